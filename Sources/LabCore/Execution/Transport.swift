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
    /// Set to `1` when a worker's spinning shares its cores (see ``TransportSettings/sharesCores``).
    package static let sharesCoresEnvironmentVariable = "LAB_WORKER_SHARES_CORES"

    /// How many polls a waiting side of `shm` makes before it sleeps, unless told (`--spin`).
    package static let defaultSpinPolls = 2000
}

/// The transport of a pool, with the spin bound `shm` uses (ignored by the others).
package struct TransportSettings: Sendable, Equatable, Hashable {
    package var transport: Transport
    /// Polls before sleeping on `shm`; `0` sleeps at once.
    package var spinPolls: Int
    /// Whether the sides that poll (a driver thread and a worker per lane) outnumber the cores
    /// they run on. Then a side that polls holds a core its peer may be waiting for, so it
    /// gives the core away now and then while it polls (see ``RingWaiting``).
    package var sharesCores: Bool

    package init(_ transport: Transport = .default, spinPolls: Int = Transport.defaultSpinPolls, sharesCores: Bool = false) {
        self.transport = transport
        self.spinPolls = spinPolls
        self.sharesCores = sharesCores
    }

    /// The settings of a pool of `lanes` lanes (a driver thread and a worker each) whose
    /// lanes run on `cores` cores.
    package init(_ transport: Transport, spinPolls: Int, lanes: Int, cores: Int) {
        self.init(transport, spinPolls: spinPolls, sharesCores: 2 * lanes > max(cores, 1))
    }
}

extension TransportSettings {
    /// What a child (a worker, or `lab calibrate`'s peer) was told by its coordinator through
    /// its environment; ``Transport/default`` and the default spin where it says nothing.
    package static var inherited: TransportSettings {
        let transport = Platform.environmentValue(Transport.environmentVariable).flatMap(Transport.init(rawValue:)) ?? .default
        let spin = Platform.environmentValue(Transport.spinEnvironmentVariable).flatMap { Int($0) } ?? Transport.defaultSpinPolls
        let shares = Platform.environmentValue(Transport.sharesCoresEnvironmentVariable) == "1"
        return TransportSettings(transport, spinPolls: max(spin, 0), sharesCores: shares)
    }
}
