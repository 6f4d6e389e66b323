import Glibc

/// Where the lanes of a cell run (`--pin`): a lane is a pool thread, or a worker process
/// together with its driver thread in the coordinator (the two ends of its pipes), or the
/// coordinator in sequential mode. Async tasks run on Swift's cooperative threads, which
/// the lab does not own: they are never pinned.
package enum Placement: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The scheduler decides, as without `--pin`.
    case none
    /// Lane i on allowed core i mod cores: lanes apart, each with its worker on its own core.
    case spread
    /// Every lane on the first allowed core: one core for the whole cell.
    case compact

    package var description: String { rawValue }

    /// The core of lane `lane` (from 0), chosen from `allowed` (the process's allowed CPUs,
    /// in order); `nil` for ``none``.
    package func core(forLane lane: Int, allowed: [Int]) -> Int? {
        guard !allowed.isEmpty else { return nil }
        switch self {
        case .none: return nil
        case .spread: return allowed[lane % allowed.count]
        case .compact: return allowed[0]
        }
    }

    /// What a cell of `mode` really gets: async cells are not pinned.
    package func applied(to mode: ExecutionMode) -> Placement {
        mode == .async ? .none : self
    }
}

/// A placement made concrete for this process: the cores its lanes go to.
package struct LanePinning: Sendable {
    package let placement: Placement
    /// The CPUs this process may use, read once when the pinning was made.
    package let allowed: [Int]

    package init(placement: Placement, allowed: [Int]) {
        self.placement = placement
        self.allowed = allowed
    }

    /// Lane `lane`'s core; `nil` for ``Placement/none``.
    /// - Throws: when there is a placement but no allowed CPU was known (reading them failed).
    func core(forLane lane: Int) throws(SystemError) -> Int? {
        guard placement != .none else { return nil }
        guard let core = placement.core(forLane: lane, allowed: allowed) else { throw SystemError(call: "sched_getaffinity", errno: EINVAL) }
        return core
    }

    /// Pins the calling thread to lane `lane`'s core (nothing for ``Placement/none``).
    package func pinCallingThread(lane: Int) throws(SystemError) {
        guard let core = try core(forLane: lane) else { return }
        try Platform.setAllowedCPUs([core])
    }

    /// Pins a worker process (its main thread, which serves the tasks) to lane `lane`'s core.
    package func pin(processID: Int32, lane: Int) throws(SystemError) {
        guard let core = try core(forLane: lane) else { return }
        try Platform.setAllowedCPUs([core], processID: processID)
    }

    /// Gives the calling thread back every allowed CPU.
    package func releaseCallingThread() {
        guard placement != .none else { return }
        try? Platform.setAllowedCPUs(allowed)
    }
}
