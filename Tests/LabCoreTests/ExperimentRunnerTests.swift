import Glibc
import Testing

@testable import LabCore

@Suite struct ExperimentRunnerTests {
    @Test("an experiment runner records every measured repetition, interleaved across cells")
    func recordOrder() throws {
        let plan = ExperimentPlan(
            workloads: [try configuredEcho(tasks: 4)], modes: [.sequential, .threads], workerCounts: [2],
            repetitions: 2, warmup: 1)
        var events: [String] = []
        let records = try ExperimentRunner(
            runID: "test", workerExecutable: WorkerExecutable(executablePath: "/nonexistent", arguments: [])
        ).run(plan) { event in
            if case .willRun(let cell, let repetition, let isWarmup, _, _) = event {
                events.append("\(cell.mode.rawValue)\(isWarmup ? "-warmup" : "")-\(repetition)")
            }
        }
        #expect(
            events == [
                "sequential-warmup-1", "threads-warmup-1", "sequential-1", "threads-1", "sequential-2", "threads-2",
            ])
        #expect(records.count == 4)
        #expect(records.allSatisfy { $0.status == .ok && $0.checksum != nil && $0.runID == "test" })
        #expect(Set(records.map(\.checksum)).count == 1)
    }

    @Test(
        "a resumed plan runs only the repetitions measured before it lacks, each cell taken up warmed up first, and returns the whole plan in its order"
    )
    func resumedPlan() throws {
        let plan = ExperimentPlan(
            workloads: [try configuredEcho(tasks: 4), try configuredEcho(["size": "5"], tasks: 4)],
            modes: [.sequential, .threads],
            workerCounts: [2], repetitions: 2, warmup: 1)
        let runner = ExperimentRunner(
            runID: "test", workerExecutable: WorkerExecutable(executablePath: "/nonexistent", arguments: []))
        let whole = try runner.run(plan) { _ in }
        #expect(whole.map(\.position) == [3, 4, 5, 6, 9, 10, 11, 12])
        // As if the first workload and the second's first sequential repetition were measured.
        let before = Array(whole.prefix(5))
        func measured(_ cell: Cell, _ repetition: Int) -> RepetitionRecord? {
            before.first {
                $0.parameters == cell.workload.parameters.canonicalText && $0.mode == cell.mode
                    && $0.workers == cell.workers && $0.repetition == repetition
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
        #expect(
            events == [
                "sequential-warmup-1 1/5", "threads-warmup-1 2/5", "threads-1 3/5", "sequential-2 4/5", "threads-2 5/5",
            ])
        #expect(recorded.map(\.position) == [10, 11, 12])
        #expect(recorded.allSatisfy { $0.startSeconds >= 100 })
        #expect(records.count == whole.count)
        #expect(Array(records.prefix(5)) == before)
        #expect(records.map(\.position) == whole.map(\.position))
        #expect(Set(records.map(\.checksum)).count == 2)
    }

    @Test("a fixture that fails while the run goes on fails each repetition with its reason")
    func brokenFixture() throws {
        let workload = try ConfiguredWorkload(
            type: EchoWithBrokenFixture.self, parameters: EchoWithBrokenFixture.parameters(overriding: [:]))
        let plan = ExperimentPlan(
            workloads: [workload], modes: [.sequential, .threads], workerCounts: [2], repetitions: 1, warmup: 0)
        let records = try ExperimentRunner(
            runID: "test", workerExecutable: WorkerExecutable(executablePath: "/nonexistent", arguments: [])
        ).run(plan) { _ in }
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0.status == .failed && $0.checksum == nil })
        #expect(
            records.allSatisfy { $0.error == "the workload's fixture failed: it stopped serving" },
            "\(records.map(\.error))")
    }

    @Test(
        "building a workload starts nothing; a fixture that cannot start is the machine's failure (status 1), not bad input"
    )
    func unstartableFixture() throws {
        // Validation alone: no fixture starts, so nothing can fail yet.
        let workload = try ConfiguredWorkload(
            type: EchoWithUnstartableFixture.self, parameters: EchoWithUnstartableFixture.parameters(overriding: [:]))
        #expect(workload.fixture == nil)
        let plan = ExperimentPlan(
            workloads: [workload], modes: [.sequential], workerCounts: [1], repetitions: 1, warmup: 0)
        var events = 0
        let error = try #require(throws: SystemError.self) {
            try ExperimentRunner(
                runID: "test", workerExecutable: WorkerExecutable(executablePath: "/nonexistent", arguments: [])
            ).run(plan) { _ in events += 1 }
        }
        #expect(error == SystemError(call: "socket", errno: EMFILE))
        #expect(error.exitStatus == .failure)
        #expect(events == 0)
    }
}
