import LabCore

extension ExecutionMode {
    /// What a lane of this mode is in a sentence: `coordinator`, `thread`, `worker`, `async slot`.
    package var laneNoun: String {
        switch self {
        case .sequential: "coordinator"
        case .threads: "thread"
        case .processes: "worker"
        case .async: "async slot"
        }
    }

    /// What lane `lane` (from 0) of this mode is called in charts and traces.
    package func laneName(_ lane: Int) -> String {
        self == .sequential ? laneNoun : "\(laneNoun) \(lane + 1)"
    }
}
