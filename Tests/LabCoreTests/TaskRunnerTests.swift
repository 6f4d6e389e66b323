import Testing

@testable import LabCore

@Suite struct TaskRunnerTests {
    @Test("sequential and thread pools of any size give the same checksum", arguments: [1, 2, 3, 8])
    func sameChecksum(threads: Int) throws {
        let workload = try configuredEcho(["size": "1000"], tasks: 40)
        let sequential = SequentialRunner().run(workload)
        let pooled = ThreadPoolRunner(threads: threads).run(workload)
        #expect(sequential.failure == nil)
        #expect(pooled.failure == nil)
        #expect(sequential.tally.completed == 40)
        #expect(pooled.tally.completed == 40)
        let expected = try checksumTaskByTask(workload)
        #expect(sequential.tally.checksum(ofTasks: 40) == expected)
        #expect(pooled.tally.checksum(ofTasks: 40) == expected)
    }

    @Test(
        "batched thread pools give the same outcomes, and a throwing task in a batch fails alone",
        arguments: [2, 5, 64])
    func batchedThreads(batch: Int) throws {
        let workload = try configuredEcho(["fail_at": "7"], tasks: 23)
        let sequential = SequentialRunner().run(workload)
        let pooled = ThreadPoolRunner(threads: 2, batch: .fixed(batch)).run(workload)
        #expect(pooled.tally.units == sequential.tally.units)
        #expect(pooled.failure == .taskFailed(task: 7, message: "echo refuses task 7"))
        #expect(pooled.failureCount == 1)
        #expect(pooled.tally.completed == 22 && sequential.tally.completed == 22)
        #expect(pooled.tally.checksum(ofTasks: 23) == nil)
    }

    @Test("a throwing task fails the execution with its index and message", arguments: [0, 1, 4])
    func throwingTask(threads: Int) throws {
        let workload = try configuredEcho(["fail_at": "5"], tasks: 20)
        let executor: any TaskRunner = threads == 0 ? SequentialRunner() : ThreadPoolRunner(threads: threads)
        let result = executor.run(workload)
        #expect(result.failure == .taskFailed(task: 5, message: "echo refuses task 5"))
        #expect(result.tally.completed == 19)
        #expect(result.tally.checksum(ofTasks: 20) == nil)
    }

    @Test("a failed task is recorded and the other tasks still run")
    func failureDoesNotStop() throws {
        let result = SequentialRunner().run(try configuredEcho(["fail_at": "3"], tasks: 10))
        #expect(result.tally.completed == 9)
        #expect(result.failure == .taskFailed(task: 3, message: "echo refuses task 3"))
        #expect(result.failureCount == 1)
        #expect(result.startupSeconds == 0)
    }
}
