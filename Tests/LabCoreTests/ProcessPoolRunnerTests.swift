import Testing

@testable import LabCore

/// A process pool's workers that cannot start or break the protocol, played by `/bin/sh`
/// printing bytes (the tests may use a shell; the lab never does). Each must become a failed
/// worker with a clear error: never a hang, a crash of the coordinator, or a huge allocation.
@Suite struct ProcessPoolRunnerTests {
    static let cases: [(script: String, message: String)] = [
        ("head -c 64 /dev/urandom; printf 'GARBAGE'; sleep 5", "broke the protocol"),
        // A ready frame that claims 5 bytes, 2 sent, then the reply pipe closes while the worker
        // lives on (had it exited, the coordinator's setup write could meet EPIPE first).
        ("printf '\\005\\000\\000\\000\\002ab'; exec 1>&-; sleep 5", "broke the protocol: truncated frame"),
        // A length of 0x7fffffff, far past the 1 GiB maximum.
        ("printf '\\377\\377\\377\\177\\002'; sleep 5", "frame length 2147483647 exceeds the maximum"),
        ("printf '\\000\\000\\000\\000\\143'; sleep 5", "unknown frame kind 99"),
        ("exit 7", "exited with status 7"),
    ]

    @Test("a worker that sends garbage, a torn frame or a lying length is a failed worker", arguments: cases)
    func misbehaving(script: String, message: String) throws {
        let registry = ChildProcessRegistry()
        let pool = ProcessPoolRunner(
            workers: 1, executablePath: "/bin/sh", arguments: ["-c", script], registry: registry)
        let result = pool.run(try configuredEcho(tasks: 3))
        let failure = try #require(result.failure)
        #expect(failure.description.contains(message), "\(failure)")
        #expect(failure.description.hasPrefix("worker 1 "))
        #expect(result.tally.completed == 0)
        #expect(registry.current.isEmpty, "a fake worker was left registered")
    }

    @Test("a worker that never becomes ready is killed after the task timeout, not waited for")
    func neverReady() throws {
        let registry = ChildProcessRegistry()
        let pool = ProcessPoolRunner(
            workers: 1, executablePath: "/bin/sh", arguments: ["-c", "exec sleep 30"], registry: registry,
            taskTimeoutSeconds: 0.2)
        let result = pool.run(try configuredEcho(tasks: 2))
        #expect(
            result.failure == .workerStartFailed(worker: 1, message: "not ready after 0.2 s (the task timeout); killed")
        )
        #expect(result.tally.completed == 0)
        #expect(registry.current.isEmpty)
    }

    @Test("a process pool whose worker binary cannot start records a failure, not a crash")
    func missingWorkerBinary() throws {
        let result = ProcessPoolRunner(
            workers: 2, executablePath: "/nonexistent/lab", arguments: ["worker"], registry: ChildProcessRegistry()
        )
        .run(try configuredEcho(tasks: 4))
        guard case .workerStartFailed(let worker, _) = result.failure else {
            Issue.record("expected a start failure, got \(String(describing: result.failure))")
            return
        }
        #expect(worker == 1)
    }
}
