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
        let sequentialOutcomes = sequential.outcomes.compactMap { $0 }
        let pooledOutcomes = pooled.outcomes.compactMap { $0 }
        #expect(sequentialOutcomes.count == 40)
        #expect(pooledOutcomes.count == 40)
        #expect(Checksum.combined(sequentialOutcomes) == Checksum.combined(pooledOutcomes))
        #expect(pooledOutcomes.allSatisfy { $0.inputBytes == 1000 && $0.payloadBytes == 1000 })
    }

    @Test("batched thread pools give the same outcomes, and a throwing task in a batch fails alone", arguments: [2, 5, 64])
    func batchedThreads(batch: Int) throws {
        let workload = try configuredEcho(["fail_at": "7"], tasks: 23)
        let sequential = SequentialRunner().run(workload)
        let pooled = ThreadPoolRunner(threads: 2, batch: .fixed(batch)).run(workload)
        #expect(pooled.outcomes == sequential.outcomes)
        #expect(pooled.failure == .taskFailed(task: 7, message: "echo refuses task 7"))
        #expect(pooled.failureCount == 1)
        #expect(pooled.outcomes.compactMap { $0 }.count == 22)
    }

    @Test("a throwing task fails the execution with its index and message", arguments: [0, 1, 4])
    func throwingTask(threads: Int) throws {
        let workload = try configuredEcho(["fail_at": "5"], tasks: 20)
        let executor: any TaskRunner = threads == 0 ? SequentialRunner() : ThreadPoolRunner(threads: threads)
        let result = executor.run(workload)
        #expect(result.failure == .taskFailed(task: 5, message: "echo refuses task 5"))
        #expect(result.outcomes[5] == nil)
        #expect(result.outcomes.compactMap { $0 }.count == 19)
    }

    @Test("a failed task is recorded and the other tasks still run")
    func failureDoesNotStop() throws {
        let result = SequentialRunner().run(try configuredEcho(["fail_at": "3"], tasks: 10))
        #expect(result.outcomes.enumerated().allSatisfy { ($0.element == nil) == ($0.offset == 3) })
        #expect(result.failureCount == 1)
        #expect(result.startupSeconds == 0)
    }
}
