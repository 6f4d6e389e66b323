/// Something a workload needs on the coordinator's side for as long as a run lasts, such as a
/// local HTTP server. The coordinator starts it once per run and stops it at the end; its
/// ``values`` reach every instance of the workload, in every process, through
/// ``Parameters/fixtureValues``.
public protocol WorkloadFixture: AnyObject, Sendable {
    /// What the workload's instances need to know, such as `["port": "43121"]`.
    var values: [String: String] { get }
    /// Why the fixture stopped serving while it should still run (a server whose `accept`
    /// failed, say), or `nil` while it is healthy. The experiment loop checks it after every
    /// repetition and fails the repetition with this reason, so a broken fixture is a visible
    /// fact, not tasks waiting for their timeout.
    var failure: String? { get }
    /// The CPU time, in seconds, that processes of the fixture's own (a server the lab started
    /// for the workload) have used so far, or `nil` when it runs in none. The experiment loop
    /// counts it as neither the cell's nor others': a repetition is not disturbed by the
    /// server its tasks talk to.
    var processCPUSeconds: Double? { get }
    /// Stops the fixture and releases what it holds (threads, sockets, files). Called once.
    func stop()
}

extension WorkloadFixture {
    /// A fixture that cannot break while it runs need not say so.
    public var failure: String? { nil }
    /// A fixture in the lab's own process has no CPU time apart.
    public var processCPUSeconds: Double? { nil }
}
