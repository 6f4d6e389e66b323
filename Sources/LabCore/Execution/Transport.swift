/// How a worker process and its coordinator exchange frames (`--transport`). The worker is
/// spawned (`SpawnedChild`) or forked by the fork server in every case; only its standard
/// descriptors differ.
package enum Transport: String, Sendable, CaseIterable, Codable {
    /// Two pipes: requests on the worker's standard input, replies on its standard output.
    case pipe
    /// One Unix stream socket pair: the worker's end is both its standard input and output.
    case socketpair
    /// An anonymous shared-memory file (the worker's standard input) holding a ring of frame
    /// bytes each way; the waiting side polls a bounded number of times, then sleeps on a futex.
    case shm

    /// The transport of a process cell that names none (`--transport`'s default, and rows
    /// written before the lab had transports): the one place that says so.
    package static let `default` = Transport.pipe

    /// The environment variables through which the coordinator tells a worker its transport
    /// and (for `shm`) its spin bound.
    package static let environmentVariable = "LAB_WORKER_TRANSPORT"
    package static let spinEnvironmentVariable = "LAB_WORKER_SPIN"

    /// How many polls a waiting side of `shm` makes before it sleeps, unless told (`--spin`).
    package static let defaultSpinPolls = 2000
}

/// The transport of a pool, with the spin bound `shm` uses (ignored by the others).
package struct TransportSettings: Sendable, Equatable, Hashable {
    package var transport: Transport
    /// Polls before sleeping on `shm`; `0` sleeps at once.
    package var spinPolls: Int

    package init(_ transport: Transport = .default, spinPolls: Int = Transport.defaultSpinPolls) {
        self.transport = transport
        self.spinPolls = spinPolls
    }
}

extension TransportSettings {
    /// What a child (a worker, or `lab calibrate`'s peer) was told by its coordinator through
    /// its environment; ``Transport/default`` and the default spin where it says nothing.
    package static var inherited: TransportSettings {
        let transport = Platform.environmentValue(Transport.environmentVariable).flatMap(Transport.init(rawValue:)) ?? .default
        let spin = Platform.environmentValue(Transport.spinEnvironmentVariable).flatMap { Int($0) } ?? Transport.defaultSpinPolls
        return TransportSettings(transport, spinPolls: max(spin, 0))
    }
}
