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
    /// Stops the fixture and releases what it holds (threads, sockets, files). Called once.
    func stop()
}

extension WorkloadFixture {
    /// A fixture that cannot break while it runs need not say so.
    public var failure: String? { nil }
}
