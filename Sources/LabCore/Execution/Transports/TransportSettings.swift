/// The transport of a pool, with the spin bound `shm` uses (ignored by the others).
package struct TransportSettings: Sendable, Equatable, Hashable {
    /// Which transport: pipe, socket pair or shared memory.
    package var kind: Transport
    /// Polls before sleeping on `shm`; `0` sleeps at once.
    package var spinPolls: Int
    /// How many of the sides that poll (a driver thread and a worker per lane) share a core,
    /// rounded up; 1 when each has a core. Crowded sides give their core away now and then
    /// while they poll, and sleep in longer slices (see ``RingWaiting``).
    package var crowding: Int

    /// Whether polling sides outnumber the cores they run on.
    package var sharesCores: Bool { crowding > 1 }

    package init(_ transport: Transport = .default, spinPolls: Int = Transport.defaultSpinPolls, crowding: Int = 1) {
        self.kind = transport
        self.spinPolls = spinPolls
        self.crowding = max(crowding, 1)
    }

    /// The settings of a pool of `lanes` lanes (a driver thread and a worker each) whose
    /// lanes run on `cores` cores. Sides that share cores poll for their share of a core:
    /// `spinPolls` x cores / (2 x lanes) polls before they sleep.
    package init(_ transport: Transport, spinPolls: Int, lanes: Int, cores: Int) {
        let sides = 2 * max(lanes, 1)
        let cores = max(cores, 1)
        let crowding = (sides + cores - 1) / cores
        self.init(transport, spinPolls: crowding > 1 ? spinPolls * cores / sides : spinPolls, crowding: crowding)
    }
}

extension TransportSettings {
    /// What a child (a worker, or `lab calibrate`'s peer) was told by its coordinator through
    /// its environment; ``Transport/default`` and the default spin where it says nothing.
    package static var inherited: TransportSettings {
        let transport =
            Platform.environmentValue(Transport.environmentVariable).flatMap(Transport.init(rawValue:)) ?? .default
        let spin =
            Platform.environmentValue(Transport.spinEnvironmentVariable).flatMap { Int($0) }
            ?? Transport.defaultSpinPolls
        let crowding = Platform.environmentValue(Transport.crowdingEnvironmentVariable).flatMap { Int($0) } ?? 1
        return TransportSettings(transport, spinPolls: max(spin, 0), crowding: min(max(crowding, 1), 1 << 20))
    }
}
