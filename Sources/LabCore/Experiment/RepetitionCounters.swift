/// What the machine did during one repetition, beyond its clock (lab 0.6.0): page faults and
/// context switches of the coordinator and of the workers apart, the scheduler's figures of
/// the cell's lanes, the workers' memory, hardware counts where the machine offers them, and
/// what the rest of the machine took meanwhile.
///
/// Every figure that was not measured is `nil` (an empty field in `results.csv`), never 0: all
/// of them in rows of older labs; the workers' in a repetition where a worker sent no report;
/// the lanes' in async cells (their tasks run on threads that are not theirs) and on kernels
/// without scheduler statistics; hardware counts on machines without them.
package struct RepetitionCounters: Sendable, Equatable {
    /// The coordinator's page faults (all its threads).
    package var coordinatorMinorFaults: Int?
    package var coordinatorMajorFaults: Int?
    /// The coordinator's context switches (all its threads); the workers' are apart, below.
    package var coordinatorVoluntaryContextSwitches: Int?
    package var coordinatorInvoluntaryContextSwitches: Int?
    /// The worker processes' page faults over their whole lives, summed (0 outside process mode).
    package var workersMinorFaults: Int?
    package var workersMajorFaults: Int?
    /// The worker processes' context switches, summed (0 outside process mode).
    package var workersVoluntaryContextSwitches: Int?
    package var workersInvoluntaryContextSwitches: Int?
    /// The lanes' scheduler figures, summed over lanes: each pool thread, each worker's main
    /// thread (its whole life), the coordinator's thread in sequential mode.
    package var lanes: SchedulerCounters?
    /// The worker processes' memory as each stood before it exited, summed (zeros outside
    /// process mode).
    package var workersMemory: MemoryFootprint?
    /// Cycles, instructions and cache misses of the coordinator and what it started, together
    /// (counters inherited by every thread and worker): the one group not split by whose.
    package var hardware: HardwareCounts?
    /// What the rest of the machine took meanwhile, and whether that disturbed the repetition.
    package var interference: Interference?
    /// The most threads the lab's process had at once during the repetition (its sampler's
    /// own not counted): a thread pool's threads, the cooperative pool's, the event loop's.
    package var coordinatorPeakThreads: Int?

    package init(
        coordinatorMinorFaults: Int? = nil, coordinatorMajorFaults: Int? = nil,
        coordinatorVoluntaryContextSwitches: Int? = nil, coordinatorInvoluntaryContextSwitches: Int? = nil,
        workersMinorFaults: Int? = nil, workersMajorFaults: Int? = nil,
        workersVoluntaryContextSwitches: Int? = nil, workersInvoluntaryContextSwitches: Int? = nil,
        lanes: SchedulerCounters? = nil,
        workersMemory: MemoryFootprint? = nil, hardware: HardwareCounts? = nil, interference: Interference? = nil,
        coordinatorPeakThreads: Int? = nil
    ) {
        self.coordinatorPeakThreads = coordinatorPeakThreads
        self.coordinatorMinorFaults = coordinatorMinorFaults
        self.coordinatorMajorFaults = coordinatorMajorFaults
        self.coordinatorVoluntaryContextSwitches = coordinatorVoluntaryContextSwitches
        self.coordinatorInvoluntaryContextSwitches = coordinatorInvoluntaryContextSwitches
        self.workersMinorFaults = workersMinorFaults
        self.workersMajorFaults = workersMajorFaults
        self.workersVoluntaryContextSwitches = workersVoluntaryContextSwitches
        self.workersInvoluntaryContextSwitches = workersInvoluntaryContextSwitches
        self.lanes = lanes
        self.workersMemory = workersMemory
        self.hardware = hardware
        self.interference = interference
    }

    /// Whether the rest of the machine disturbed the repetition; `nil` when not measured.
    package var disturbed: Bool? { interference?.disturbed }
}
