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
    /// How many polling sides share a core, when more than one does (see ``TransportSettings/crowding``).
    package static let crowdingEnvironmentVariable = "LAB_WORKER_CROWDING"

    /// How many polls a waiting side of `shm` makes before it sleeps, unless told (`--spin`).
    package static let defaultSpinPolls = 2000
}
