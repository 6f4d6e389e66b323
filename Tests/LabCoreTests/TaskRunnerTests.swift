import Glibc
import Testing

@testable import LabCore

@Suite struct TaskRunnerTests {
    @Test("sequential and thread pools of any size give the same checksum", arguments: [1, 2, 3, 8])
    func sameChecksum(threads: Int) throws {
        let workload = try configuredEcho(["size": "1000"], tasks: 40)
        let sequential = SequentialRunner().execute(workload)
        let pooled = ThreadPoolRunner(threads: threads).execute(workload)
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
        let sequential = SequentialRunner().execute(workload)
        let pooled = ThreadPoolRunner(threads: 2, batch: .fixed(batch)).execute(workload)
        #expect(pooled.outcomes == sequential.outcomes)
        #expect(pooled.failure == .taskFailed(task: 7, message: "echo refuses task 7"))
        #expect(pooled.failureCount == 1)
        #expect(pooled.outcomes.compactMap { $0 }.count == 22)
    }

    @Test("a throwing task fails the execution with its index and message", arguments: [0, 1, 4])
    func throwingTask(threads: Int) throws {
        let workload = try configuredEcho(["fail_at": "5"], tasks: 20)
        let executor: any TaskRunner = threads == 0 ? SequentialRunner() : ThreadPoolRunner(threads: threads)
        let result = executor.execute(workload)
        #expect(result.failure == .taskFailed(task: 5, message: "echo refuses task 5"))
        #expect(result.outcomes[5] == nil)
        #expect(result.outcomes.compactMap { $0 }.count == 19)
    }

    @Test("a failed task is recorded and the other tasks still run")
    func failureDoesNotStop() throws {
        let result = SequentialRunner().execute(try configuredEcho(["fail_at": "3"], tasks: 10))
        #expect(result.outcomes.enumerated().allSatisfy { ($0.element == nil) == ($0.offset == 3) })
        #expect(result.failureCount == 1)
        #expect(result.startupSeconds == 0)
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

    @Test("a plan runs sequential once per workload and every other mode per worker count")
    func planCells() throws {
        let plan = ExperimentPlan(
            workloads: [try configuredEcho(), try configuredEcho(["size": "5"])], modes: ExecutionMode.allCases,
            workerCounts: [1, 2, 4], repetitions: 3, warmup: 1)
        #expect(plan.cells.count == 2 * (1 + 3 + 3 + 3))
        #expect(plan.cells.filter { $0.mode == .sequential }.allSatisfy { $0.workers == 1 })
        #expect(plan.totalRepetitions == 20 * 4)
    }

    @Test("the coordinator records every measured repetition, interleaved across cells")
    func coordinatorOrder() throws {
        let plan = ExperimentPlan(
            workloads: [try configuredEcho(tasks: 4)], modes: [.sequential, .threads], workerCounts: [2], repetitions: 2, warmup: 1)
        var events: [String] = []
        let records = try ExperimentRunner(runID: "test", workerCommand: WorkerCommand(executablePath: "/nonexistent", arguments: [])).run(plan) { event in
            if case .willRun(let cell, let repetition, let isWarmup, _, _) = event {
                events.append("\(cell.mode.rawValue)\(isWarmup ? "-warmup" : "")-\(repetition)")
            }
        }
        #expect(events == ["sequential-warmup-1", "threads-warmup-1", "sequential-1", "threads-1", "sequential-2", "threads-2"])
        #expect(records.count == 4)
        #expect(records.allSatisfy { $0.status == .ok && $0.checksum != nil && $0.runID == "test" })
        #expect(Set(records.map(\.checksum)).count == 1)
    }

    @Test("a resumed plan runs only the repetitions measured before it lacks, each cell taken up warmed up first, and returns the whole plan in its order")
    func resumedPlan() throws {
        let plan = ExperimentPlan(
            workloads: [try configuredEcho(tasks: 4), try configuredEcho(["size": "5"], tasks: 4)], modes: [.sequential, .threads],
            workerCounts: [2], repetitions: 2, warmup: 1)
        let runner = ExperimentRunner(runID: "test", workerCommand: WorkerCommand(executablePath: "/nonexistent", arguments: []))
        let whole = try runner.run(plan) { _ in }
        #expect(whole.map(\.position) == [3, 4, 5, 6, 9, 10, 11, 12])
        // As if the first workload and the second's first sequential repetition were measured.
        let before = Array(whole.prefix(5))
        func measured(_ cell: Cell, _ repetition: Int) -> RepetitionRecord? {
            before.first {
                $0.parameters == cell.workload.parameters.canonicalText && $0.mode == cell.mode && $0.workers == cell.workers && $0.repetition == repetition
            }
        }
        var events: [String] = []
        var recorded: [RepetitionRecord] = []
        let records = try runner.run(plan, measuredBefore: measured, clockOffset: 100) { event in
            switch event {
            case .willRun(let cell, let repetition, let isWarmup, let position, let total):
                events.append("\(cell.mode.rawValue)\(isWarmup ? "-warmup" : "")-\(repetition) \(position)/\(total)")
            case .recorded(let record): recorded.append(record)
            case .timeline: break
            }
        }
        // The second workload's threads cell still lacks both repetitions, its sequential cell
        // one: both are warmed up again; the first workload starts nothing.
        #expect(events == ["sequential-warmup-1 1/5", "threads-warmup-1 2/5", "threads-1 3/5", "sequential-2 4/5", "threads-2 5/5"])
        #expect(recorded.map(\.position) == [10, 11, 12])
        #expect(recorded.allSatisfy { $0.startSeconds >= 100 })
        #expect(records.count == whole.count)
        #expect(Array(records.prefix(5)) == before)
        #expect(records.map(\.position) == whole.map(\.position))
        #expect(Set(records.map(\.checksum)).count == 2)
    }

    @Test("a fixture that fails while the run goes on fails each repetition with its reason")
    func brokenFixture() throws {
        let workload = try ConfiguredWorkload(type: EchoWithBrokenFixture.self, parameters: EchoWithBrokenFixture.parameters(overriding: [:]))
        let plan = ExperimentPlan(workloads: [workload], modes: [.sequential, .threads], workerCounts: [2], repetitions: 1, warmup: 0)
        let records = try ExperimentRunner(runID: "test", workerCommand: WorkerCommand(executablePath: "/nonexistent", arguments: [])).run(plan) { _ in }
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0.status == .failed && $0.checksum == nil })
        #expect(records.allSatisfy { $0.error == "the workload's fixture failed: it stopped serving" }, "\(records.map(\.error))")
    }

    @Test("building a workload starts nothing; a fixture that cannot start is the machine's failure (status 1), not bad input")
    func unstartableFixture() throws {
        // Validation alone: no fixture starts, so nothing can fail yet.
        let workload = try ConfiguredWorkload(type: EchoWithUnstartableFixture.self, parameters: EchoWithUnstartableFixture.parameters(overriding: [:]))
        #expect(workload.fixture == nil)
        let plan = ExperimentPlan(workloads: [workload], modes: [.sequential], workerCounts: [1], repetitions: 1, warmup: 0)
        var events = 0
        let error = try #require(throws: SystemError.self) {
            try ExperimentRunner(runID: "test", workerCommand: WorkerCommand(executablePath: "/nonexistent", arguments: [])).run(plan) { _ in events += 1 }
        }
        #expect(error == SystemError(call: "socket", errno: EMFILE))
        #expect(error.exitStatus == .failure)
        #expect(events == 0)
    }

    @Test("a process pool whose worker binary cannot start records a failure, not a crash")
    func missingWorkerBinary() throws {
        let result = ProcessPoolRunner(workers: 2, executablePath: "/nonexistent/lab", arguments: ["worker"], registry: ChildProcessRegistry())
            .execute(try configuredEcho(tasks: 4))
        guard case .workerStartFailed(let worker, _) = result.failure else {
            Issue.record("expected a start failure, got \(String(describing: result.failure))")
            return
        }
        #expect(worker == 1)
    }
}
