/// Something a workload needs on the coordinator's side for as long as a run lasts, such as a
/// local HTTP server. The coordinator starts it once per run and stops it at the end; its
/// ``values`` reach every instance of the workload, in every process, through
/// ``Parameters/fixtureValues``.
public protocol WorkloadFixture: AnyObject, Sendable {
    /// What the workload's instances need to know, such as `["port": "43121"]`.
    var values: [String: String] { get }
    /// Stops the fixture and releases what it holds (threads, sockets, files). Called once.
    func stop()
}
