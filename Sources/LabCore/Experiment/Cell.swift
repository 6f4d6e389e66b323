/// One cell of the matrix: a workload with its parameters, a mode, a worker count and, for
/// worker processes, the transport.
package struct Cell: Sendable {
    package let workload: ConfiguredWorkload
    package let mode: ExecutionMode
    package let workers: Int
    /// How worker processes talk to the coordinator; `nil` outside process mode.
    package let transport: Transport?
    /// Where worker processes get the workload's dataset; `nil` outside process mode and for
    /// a workload without a dataset.
    package let dataset: DatasetPlacement?
    /// How worker processes start; `nil` outside process mode.
    package let start: WorkerStart?

    package init(
        workload: ConfiguredWorkload, mode: ExecutionMode, workers: Int, transport: Transport = .default,
        dataset: DatasetPlacement? = nil,
        start: WorkerStart = .default
    ) {
        self.start = mode == .processes ? start : nil
        self.workload = workload
        self.mode = mode
        self.workers = workers
        self.transport = mode == .processes ? transport : nil
        self.dataset = mode == .processes && workload.dataset != nil ? (dataset ?? .default) : nil
    }

    /// `primes threads x2`, `digest processes x2 over shm`, `bandwidth processes x2, mapped`,
    /// as progress lines show it.
    package var label: String {
        "\(workload.name) \(mode.label(workers: workers))"
            + mode.qualifiers(transport: transport, variant: nil, dataset: dataset, start: start)
    }
}
