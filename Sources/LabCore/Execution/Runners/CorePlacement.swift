import Glibc

/// Where the lanes of a cell run (`--pin`): a lane is a pool thread, or a worker process
/// together with its driver thread in the coordinator (the two ends of its pipes), or the
/// coordinator in sequential mode. Async tasks run on Swift's cooperative threads, which
/// the lab does not own: they are never pinned.
package enum CorePlacement: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The scheduler decides, as without `--pin`.
    case none
    /// Lanes on distinct physical cores first (one SMT thread of every core before any
    /// core's second), dealt across NUMA nodes and last-level caches, performance cores
    /// before efficiency ones (``CPUTopology/spreadOrder``); a worker beside its driver.
    case spread
    /// Every lane on the first allowed CPU: one core for the whole cell.
    case compact
    /// Lanes spread over the cores of one NUMA node only (the first allowed CPU's): what
    /// keeping every lane's memory local costs or saves against crossing nodes.
    case node
    /// Lanes two by two on the SMT threads of one physical core: what sharing a core costs.
    case siblings

    package var description: String { rawValue }

    /// The CPUs lanes 0, 1, 2, ... go to, in turn, on a machine of `topology`; empty for
    /// ``none``.
    package func order(on topology: CPUTopology) -> [Int] {
        switch self {
        case .none: []
        case .spread: topology.spreadOrder
        case .compact: topology.cpus.first.map { [$0.id] } ?? []
        case .node: topology.nodeOrder
        case .siblings: topology.siblingOrder
        }
    }

    /// The CPU of lane `lane` (from 0) in `order` (see ``order(on:)``); `nil` without one.
    package static func core(forLane lane: Int, order: [Int]) -> Int? {
        order.isEmpty ? nil : order[lane % order.count]
    }

    /// How many cores `lanes` lanes run on: the distinct CPUs of the first of `order`, or
    /// `allowed` for ``none``.
    package func coresUsed(lanes: Int, order: [Int], allowed: Int) -> Int {
        guard self != .none, !order.isEmpty else { return max(allowed, 1) }
        return max(Set(order.prefix(lanes)).count, 1)
    }

    /// What a cell of `mode` really gets: async cells are not pinned.
    package func applied(to mode: ExecutionMode) -> CorePlacement {
        mode == .async ? .none : self
    }
}

/// A placement made concrete for this process: the CPUs its lanes go to.
package struct LanePinning: Sendable {
    package let placement: CorePlacement
    /// The CPUs this process may use, read once when the pinning was made.
    package let allowed: [Int]
    /// The CPUs lanes 0, 1, 2, ... go to, in turn (``CorePlacement/order(on:)``).
    package let order: [Int]

    /// The pinning of `placement` on a machine of `topology`.
    package init(placement: CorePlacement, topology: CPUTopology) {
        self.placement = placement
        self.allowed = topology.cpus.map(\.id)
        self.order = placement.order(on: topology)
    }

    /// The pinning of `placement` on `allowed` CPUs read from this machine's topology.
    package init(placement: CorePlacement, allowed: [Int]) {
        self.init(placement: placement, topology: CPUTopology.read(allowed: allowed))
    }

    /// Lane `lane`'s core; `nil` for ``CorePlacement/none``.
    /// - Throws: when there is a placement but no allowed CPU was known (reading them failed).
    func core(forLane lane: Int) throws(SystemError) -> Int? {
        guard placement != .none else { return nil }
        guard let core = CorePlacement.core(forLane: lane, order: order) else {
            throw SystemError(call: "sched_getaffinity", errno: EINVAL)
        }
        return core
    }

    /// Pins the calling thread to lane `lane`'s core (nothing for ``CorePlacement/none``).
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
