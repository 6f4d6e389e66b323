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
        #expect(
            BatchSize.automatic.tasksPerClaim(taskCount: 1000, workers: 2) == 1000
                / (2 * BatchSize.automaticBatchesPerWorker))
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

    /// Task `index`'s outcome in the tally tests: a checksum and payload of its own.
    static func outcome(_ index: Int) -> TaskOutcome {
        TaskOutcome(
            output: TaskOutput(
                checksum: UInt64(index) &* 0x9e37_79b9, units: UInt64(index % 3), payload: [UInt8(index % 251)]),
            inputBytes: 2)
    }

    @Test(
        "outcomes deposited in any order fold to the checksum of the tasks in order, keeping only those ahead of a gap",
        arguments: [1, 7, 64, 1000])
    func depositsInAnyOrder(seed: UInt64) {
        let count = 5000
        var generator = DeterministicRandom(seed: seed)
        // Lanes of 1 to 50 tasks each, finished out of order within a reach of 400 tasks.
        var order = Array(0..<count)
        for start in stride(from: 0, to: count, by: 400) {
            let end = min(start + 400, count)
            for index in start..<end {
                let other = start + Int(generator.next() % UInt64(end - start))
                order.swapAt(index, other)
            }
        }
        let ledger = TaskLedger(taskCount: count)
        var position = 0
        while position < count {
            let size = 1 + Int(generator.next() % 50)
            ledger.deposit(order[position..<min(position + size, count)].map { (index: $0, outcome: Self.outcome($0)) })
            position += size
        }
        let (tally, failure) = ledger.result
        #expect(failure == nil)
        #expect(tally.completed == count)
        #expect(tally.units == (0..<count).reduce(0) { $0 + UInt64($1 % 3) })
        #expect(tally.checksum(ofTasks: count) == Checksum.combined((0..<count).map(Self.outcome)))
        #expect(tally.checksum(ofTasks: count + 1) == nil, "a task never deposited leaves no checksum")
        #expect(tally.waitingCount == 0)
    }

    @Test("the tally keeps what waits ahead of a gap, not every task")
    func windowStaysSmall() {
        var tally = TaskTally()
        // Task 0 comes last: 1..<1000 wait for it.
        for index in 1..<1000 { tally.add(Self.outcome(index), index: index) }
        #expect(tally.waitingCount == 999)
        tally.add(Self.outcome(0), index: 0)
        #expect(tally.waitingCount == 0)
        // In order, nothing waits.
        for index in 1000..<100_000 { tally.add(Self.outcome(index), index: index) }
        #expect(tally.waitingCount == 0)
        #expect(tally.checksum(ofTasks: 100_000) == Checksum.combined((0..<100_000).map(Self.outcome)))
    }

    @Test("a failed task, or one deposited twice, leaves no checksum; the counts go on")
    func brokenOrder() {
        let twice = TaskLedger(taskCount: 3)
        twice.deposit([(0, Self.outcome(0)), (2, Self.outcome(2))])
        twice.deposit([(2, Self.outcome(2))])
        #expect(twice.result.tally.checksum(ofTasks: 3) == nil)
        let failed = TaskLedger(taskCount: 3)
        failed.deposit([(0, Self.outcome(0)), (2, Self.outcome(2))])
        failed.record(.taskFailed(task: 1, message: "no"))
        #expect(failed.result.tally.checksum(ofTasks: 3) == nil)
        #expect(failed.result.tally.completed == 2)
        #expect(failed.result.tally.waitingCount == 0, "nothing is kept for a checksum that cannot come")
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
