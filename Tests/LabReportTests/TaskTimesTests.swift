import LabCore
import Testing

@testable import LabReport

/// Per-task times kept as runs: the same medians and ratios as a number per task gives, in
/// room that does not grow with the task count.
@Suite struct TaskTimesTests {
    /// The times of `tasks` tasks one per task (NaN for none), as the lab kept them before
    /// runs: the reference the runs are checked against.
    static func expanded(_ times: TaskTimes, tasks: Int) -> [Double] {
        var seconds = [Double](repeating: .nan, count: tasks)
        for run in times.runs {
            for index in run.first..<run.first + run.count { seconds[index] = run.seconds }
        }
        return seconds
    }

    /// Spans of 1 to 8 tasks over `tasks`, some left out, times from `generator`.
    static func randomTimes(tasks: Int, generator: inout DeterministicRandom) -> TaskTimes {
        var runs: [TaskTimes.Run] = []
        var first = 0
        while first < tasks {
            let count = 1 + Int(generator.next() % 8)
            if generator.next() % 5 != 0 {
                runs.append(TaskTimes.Run(first: first, count: count, seconds: Double(1 + generator.next() % 4) / 100))
            }
            first += count
        }
        return TaskTimes(runs.reversed(), tasks: tasks)
    }

    @Test(
        "each task's median over repetitions, and the median slowdown against a base, are those of the per-task lists",
        arguments: [1, 2, 3, 99])
    func sameAsPerTask(seed: UInt64) {
        var generator = DeterministicRandom(seed: seed)
        let tasks = 300
        let repetitions = (0..<3).map { _ in Self.randomTimes(tasks: tasks, generator: &generator) }
        let median = TaskTimes.median(repetitions)
        let lists = repetitions.map { Self.expanded($0, tasks: tasks) }
        let expected = (0..<tasks).map { index in
            Statistics.median(lists.map { $0[index] }.filter { !$0.isNaN }) ?? .nan
        }
        let got = Self.expanded(median, tasks: tasks)
        #expect(zip(got, expected).allSatisfy { $0.isNaN && $1.isNaN || abs($0 - $1) < 1e-15 })

        let other = Self.randomTimes(tasks: tasks, generator: &generator)
        let otherList = Self.expanded(other, tasks: tasks)
        let ratios = zip(otherList, got).compactMap { time, base -> Double? in
            time.isNaN || base.isNaN || base <= 0 ? nil : time / base
        }
        let slowdown = other.medianRatio(over: median)
        #expect(slowdown != nil)
        #expect(slowdown.map { abs($0 - (Statistics.median(ratios) ?? .nan)) < 1e-12 } == true)
    }

    @Test(
        "runs out of range, overlapping, empty or not finite are cut or left out, even with counts that overflow when added"
    )
    func hostileRuns() {
        let times = TaskTimes(
            [
                TaskTimes.Run(first: -5, count: 7, seconds: 1), TaskTimes.Run(first: 1, count: 3, seconds: 2),
                TaskTimes.Run(first: 8, count: Int.max, seconds: 3), TaskTimes.Run(first: 4, count: 0, seconds: 4),
                TaskTimes.Run(first: 5, count: 1, seconds: .nan),
                TaskTimes.Run(first: Int.max, count: Int.max, seconds: 5),
            ], tasks: 10)
        #expect(Self.expanded(times, tasks: 10).map { $0.isNaN ? -1 : $0 } == [1, 1, 2, 2, -1, -1, -1, -1, 3, 3])
        #expect(times.timedTasks == 6)
    }

    @Test("ten million tasks of one time are one run; a claim's sum walks the runs once")
    func flat() {
        let times = TaskTimes.uniform(2e-6, tasks: 10_000_000)
        #expect(times.runs.count == 1)
        var cursor = 0
        #expect(abs(times.seconds(in: 0..<1000, cursor: &cursor) - 2e-3) < 1e-12)
        #expect(abs(times.seconds(in: 9_999_000..<10_000_000, cursor: &cursor) - 2e-3) < 1e-12)
        #expect(
            abs(StackPrediction.idleSeconds(taskSeconds: times, tasks: 10_000_000, perClaim: 64, lanes: 1024)) < 1e-3)
    }
}
