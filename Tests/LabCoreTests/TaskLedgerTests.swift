import Synchronization
import Testing

@testable import LabCore

@Suite struct TaskLedgerTests {
    @Test("under contention every task is claimed exactly once", arguments: [1, 2, 8, 16])
    func everyTaskOnce(threads: Int) throws {
        let taskCount = 200_000
        let ledger = TaskLedger(taskCount: taskCount)
        let claims = Mutex([Int](repeating: 0, count: taskCount))
        let pool = try (0..<threads).map { _ in
            try JoinableThread {
                var mine: [Int] = []
                while let index = ledger.claim() { mine.append(index) }
                claims.withLock { counts in
                    for index in mine { counts[index] += 1 }
                }
            }
        }
        pool.forEach { $0.join() }
        let counts = claims.withLock { $0 }
        #expect(counts.allSatisfy { $0 == 1 })
        #expect(ledger.claim() == nil)
    }

    @Test("batched claims under contention cover every task exactly once", arguments: [(2, 7), (8, 64), (2, 1000)])
    func batchedClaims(threads: Int, batch: Int) throws {
        let taskCount = 100_003
        let ledger = TaskLedger(taskCount: taskCount)
        let claims = Mutex([Int](repeating: 0, count: taskCount))
        let pool = try (0..<threads).map { _ in
            try JoinableThread {
                var mine: [Range<Int>] = []
                while let range = ledger.claim(upTo: batch) { mine.append(range) }
                claims.withLock { counts in
                    for range in mine {
                        precondition(range.count <= batch)
                        for index in range { counts[index] += 1 }
                    }
                }
            }
        }
        pool.forEach { $0.join() }
        #expect(claims.withLock { $0 }.allSatisfy { $0 == 1 })
        #expect(ledger.claim(upTo: batch) == nil)
    }

    @Test("the automatic batch leaves every worker enough batches and stays within its limit")
    func automaticBatch() {
        #expect(BatchSize.automatic.tasksPerClaim(taskCount: 8, workers: 2) == 1)
        #expect(BatchSize.automatic.tasksPerClaim(taskCount: 1000, workers: 2) == 1000 / (2 * BatchSize.automaticBatchesPerWorker))
        #expect(BatchSize.automatic.tasksPerClaim(taskCount: 1_000_000, workers: 2) == BatchSize.automaticLimit)
        #expect(BatchSize.fixed(5).tasksPerClaim(taskCount: 3, workers: 9) == 5)
        #expect(BatchSize.fixed(0).tasksPerClaim(taskCount: 3, workers: 9) == 1)
        #expect(BatchSize.automatic.description == "auto")
        #expect(BatchSize.fixed(12).description == "12")
    }

    @Test("the watchdog sees a task that stays running, and not one that ended")
    func watchSampling() {
        let watch = TaskWatch(slots: 2)
        var sampler = TaskWatch.OverdueSampler(slots: 2)
        watch.slots[1].begin(task: 41)
        #expect(sampler.overdue(watch, after: 5, now: 100) == nil)
        let overdue = sampler.overdue(watch, after: 5, now: 106)
        #expect(overdue?.task == 41)
        #expect(overdue?.runningSeconds == 6)
        watch.slots[1].end()
        watch.slots[1].begin(task: 42)
        // A new task, first seen now: its time starts again.
        #expect(sampler.overdue(watch, after: 5, now: 107) == nil)
        watch.slots[1].end()
        #expect(sampler.overdue(watch, after: 5, now: 200) == nil)
    }

    @Test("a failure stops further claims and the first failure is kept")
    func failureStops() {
        let ledger = TaskLedger(taskCount: 10)
        #expect(ledger.claim() == 0)
        ledger.fail(.taskFailed(task: 0, message: "first"))
        ledger.fail(.taskFailed(task: 1, message: "second"))
        #expect(ledger.claim() == nil)
        #expect(ledger.result.failure == .taskFailed(task: 0, message: "first"))
    }

    @Test("deposited outcomes land at their indices")
    func deposit() {
        let ledger = TaskLedger(taskCount: 3)
        let outcome = TaskOutcome(output: TaskOutput(checksum: 7, units: 1, payload: [1]), inputBytes: 2)
        ledger.deposit([(index: 2, outcome: outcome)])
        let outcomes = ledger.result.outcomes
        #expect(outcomes[0] == nil)
        #expect(outcomes[2] == outcome)
    }

    @Test("the failure reported is the lowest task's, whichever was noticed first")
    func lowestTaskReported() {
        let ledger = TaskLedger(taskCount: 10)
        ledger.record(.taskFailed(task: 6, message: "late"))
        ledger.record(.workerStartFailed(worker: 1, message: "no task"))
        ledger.record(.taskFailed(task: 3, message: "early"))
        #expect(ledger.result.failure == .taskFailed(task: 3, message: "early"))
        #expect(ledger.failureCount == 3)
        #expect(ledger.claim() == 0)
    }
}
