import Synchronization
import Testing

@testable import LabCore

/// Runs a WorkerService on a thread over two real pipes, as a worker process would.
final class InProcessWorker {
    let requests: Int32
    let replies: Int32
    var writer: FrameWriter<DescriptorSink>
    var reader: FrameReader<DescriptorSource>
    private final class StatusBox: Sendable {
        let value = Mutex<Int32?>(nil)
    }
    private let exitStatus = StatusBox()
    private var thread: JoinableThread?

    init(registry: WorkloadRegistry) throws {
        let toWorker = try Platform.makePipe()
        let fromWorker = try Platform.makePipe()
        requests = toWorker.write
        replies = fromWorker.read
        writer = FrameWriter(descriptor: toWorker.write)
        reader = FrameReader(source: DescriptorSource(descriptor: fromWorker.read))
        let status = exitStatus
        thread = try JoinableThread {
            let code: Int32 =
                (try? WorkerService(registry: registry).serve(requests: toWorker.read, replies: fromWorker.write))
                    != nil ? 0 : 1
            status.value.withLock { $0 = code }
            Platform.close(toWorker.read)
            Platform.close(fromWorker.write)
        }
    }

    func send(_ message: WorkerMessage) throws { try writer.write(message.frame) }

    func receive() throws -> WorkerMessage? { try reader.readFrame().map { try WorkerMessage(frame: $0) } }

    /// Closes the request pipe and returns the service's exit status.
    func finish() -> Int32? {
        Platform.close(requests)
        thread?.join()
        Platform.close(replies)
        return exitStatus.value.withLock { $0 }
    }
}

@Suite struct WorkerServiceTests {
    let registry = WorkloadRegistry([Echo.self])

    @Test("setup, tasks and a clean end")
    func session() throws {
        let worker = try InProcessWorker(registry: registry)
        try worker.send(.setup(workload: "echo", parameters: "size=64;fail_at=2", fixtureValues: [:], taskCount: 4))
        guard case .ready = try #require(try worker.receive()) else { Issue.record("expected ready"); return }

        let echo = try configuredEcho(["size": "64", "fail_at": "2"], tasks: 4).instance
        let input = echo.input(forTask: 1)
        let sent = Platform.monotonicNanoseconds()
        try worker.send(.task(index: 1, input: input))
        let answer = try #require(try worker.receive())
        guard case .result(1, let output, let started, let ended) = answer else {
            Issue.record("expected result 1, got \(answer)"); return
        }
        #expect(output == (try echo.run(task: 1, input: input)))
        // The worker's times are on the coordinator's clock: after the request was about to go out, and
        // before the answer was read.
        #expect(sent <= started && started <= ended && ended <= Platform.monotonicNanoseconds())

        try worker.send(.task(index: 2, input: echo.input(forTask: 2)))
        #expect(try worker.receive() == .failure(index: 2, message: "echo refuses task 2"))

        // A failed task does not end the session.
        try worker.send(.task(index: 3, input: []))
        guard case .result(3, _, _, _) = try #require(try worker.receive()) else {
            Issue.record("expected result 3"); return
        }
        #expect(worker.finish() == 0)
    }

    @Test("an unknown workload answers the setup with a failure and ends with status 1")
    func unknownWorkload() throws {
        let worker = try InProcessWorker(registry: registry)
        try worker.send(.setup(workload: "nope", parameters: "", fixtureValues: [:], taskCount: 1))
        guard case .failure(nil, let message) = try #require(try worker.receive()) else {
            Issue.record("expected failure"); return
        }
        #expect(message.contains("unknown workload 'nope'"))
        #expect(worker.finish() == 1)
    }

    @Test("a task before the setup is a protocol error, status 1")
    func taskBeforeSetup() throws {
        let worker = try InProcessWorker(registry: registry)
        try worker.send(.task(index: 0, input: []))
        #expect(try worker.receive() == nil)
        #expect(worker.finish() == 1)
    }
}
