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
}
