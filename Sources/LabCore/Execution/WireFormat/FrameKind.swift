/// What a frame carries.
package enum FrameKind: UInt8, Sendable, CaseIterable {
    /// Coordinator to worker: the workload name, its canonical parameters and the task count.
    case setup = 1
    /// Worker to coordinator: the workload is built, send tasks.
    case ready = 2
    /// Coordinator to worker: a task index and its input bytes.
    case task = 3
    /// Worker to coordinator: a task's checksum, units and result bytes.
    case result = 4
    /// Worker to coordinator: a task (or the setup) failed, with the reason.
    case failure = 5
    /// Coordinator to worker: no more tasks; report your usage and exit.
    case finish = 6
    /// Worker to coordinator: its own CPU time, peak memory and context switches.
    case usage = 7
    /// Coordinator to worker, over `shm`: a task index and how many bytes of its input the
    /// coordinator wrote into the region's input slot.
    case taskInSlot = 8
    /// Worker to coordinator, over `shm`: a task's checksum and units, and how many bytes of
    /// its result the worker wrote into the region's result slot.
    case resultInSlot = 9
}
