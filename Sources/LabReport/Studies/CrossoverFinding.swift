import LabCore

/// Where a crossing happens: it does not hold at `below` and holds at `size` (the
/// smallest such size measured), or it held from the first size, or never.
package struct CrossoverFinding: Sendable {
    /// What a scan looks for, each a predicate that should turn true as the size grows.
    package enum Crossing: Sendable, Hashable, CustomStringConvertible {
        /// A pool (threads, processes with their start-up, async tasks) is faster than
        /// sequential code.
        case beatsSequential(ExecutionMode)
        /// The process pool is no more than the tolerance slower than the thread pool.
        case processesCatchThreads

        package static let threadsBeatSequential = Crossing.beatsSequential(.threads)
        package static let processesBeatSequential = Crossing.beatsSequential(.processes)

        /// What a scan of `modes` (the pooled ones) looks for, in order: each pool beating
        /// sequential, then processes catching up with threads when both are measured.
        package static func all(for modes: [ExecutionMode]) -> [Crossing] {
            modes.filter { $0 != .sequential }.map { .beatsSequential($0) }
                + (modes.contains(.threads) && modes.contains(.processes) ? [.processesCatchThreads] : [])
        }

        package var description: String {
            switch self {
            case .beatsSequential(.async): "async beats sequential"
            case .beatsSequential(let mode): "\(mode.rawValue) beat sequential"
            case .processesCatchThreads: "processes catch up with threads"
            }
        }
    }

    package enum Where: Sendable, Equatable {
        case between(below: Int, size: Int)
        case fromTheStart(size: Int)
        case never(upTo: Int)
    }

    package var crossing: Crossing
    package var location: Where

    package init(crossing: Crossing, location: Where) {
        self.crossing = crossing
        self.location = location
    }
}
