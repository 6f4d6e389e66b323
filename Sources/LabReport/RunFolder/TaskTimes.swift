import LabCore

/// Seconds each task of a repetition (or of a cell, a median over its repetitions) ran, kept
/// as runs of tasks that share one time: a span of a batch gives each of its tasks the
/// batch's mean, and a repetition keeps at most a few thousand spans, so a cell of ten
/// million tasks needs a few thousand runs, not ten million numbers. Tasks no kept span
/// covers have no time and are in no run.
package struct TaskTimes: Sendable, Equatable {
    /// Tasks `first..<first + count`, each `seconds` long.
    package struct Run: Sendable, Equatable {
        package var first: Int
        package var count: Int
        package var seconds: Double

        package init(first: Int, count: Int, seconds: Double) {
            self.first = first
            self.count = count
            self.seconds = seconds
        }

        var end: Int { first + count }
    }

    /// In task order, apart, none empty, every time finite.
    package private(set) var runs: [Run]

    /// Runs of `runs` that lie in `0..<tasks`, cut to it; overlapping runs keep the first's
    /// tasks, runs of no tasks or a time that is not finite are left out.
    package init(_ runs: [Run], tasks: Int) {
        var kept: [Run] = []
        var covered = 0
        for run in runs.sorted(by: { $0.first < $1.first }) where run.seconds.isFinite && run.count > 0 {
            // Cut to the tasks and past what earlier runs covered; a first and count read from
            // someone's file that add up past Int's range end at the last task.
            let first = max(run.first, covered, 0)
            let (sum, overflow) = run.first.addingReportingOverflow(run.count)
            let end = overflow ? tasks : min(sum, tasks)
            guard first < end else { continue }
            Self.append(Run(first: first, count: end - first, seconds: run.seconds), to: &kept)
            covered = end
        }
        self.runs = kept
    }

    /// Every one of `tasks` tasks `seconds` long.
    package static func uniform(_ seconds: Double, tasks: Int) -> TaskTimes {
        TaskTimes([Run(first: 0, count: tasks, seconds: seconds)], tasks: tasks)
    }

    /// How many tasks have a time.
    package var timedTasks: Int { runs.reduce(0) { $0 + $1.count } }

    /// Each task's median over `all` (of those that timed it); tasks none timed have none.
    package static func median(_ all: [TaskTimes]) -> TaskTimes {
        var result: [Run] = []
        sweep(all) { first, end, values in
            guard let median = Statistics.median(values) else { return }
            append(Run(first: first, count: end - first, seconds: median), to: &result)
        }
        var times = TaskTimes([], tasks: 0)
        times.runs = result
        return times
    }

    /// The median over the tasks both time (the base's above zero) of `self`'s time over the
    /// base's: a task's slowdown against the same task elsewhere. `nil` when none is shared.
    package func medianRatio(over base: TaskTimes) -> Double? {
        var ratios: [(value: Double, weight: Int)] = []
        Self.sweep([self, base]) { first, end, values in
            // Both time the stretch (one value would be either's alone), in this order.
            guard values.count == 2, values[1] > 0 else { return }
            ratios.append((values[0] / values[1], end - first))
        }
        return Self.weightedMedian(ratios)
    }

    /// The seconds of the tasks in `range` that have a time, summed; `cursor` (a run index,
    /// from 0) makes ranges asked in task order cost the runs once in all.
    package func seconds(in range: Range<Int>, cursor: inout Int) -> Double {
        while cursor < runs.count, runs[cursor].end <= range.lowerBound { cursor += 1 }
        var total = 0.0
        var index = cursor
        while index < runs.count, runs[index].first < range.upperBound {
            let run = runs[index]
            let overlap = min(run.end, range.upperBound) - max(run.first, range.lowerBound)
            if overlap > 0 { total += Double(overlap) * run.seconds }
            index += 1
        }
        return total
    }

    /// Calls `body` for each stretch of tasks across which no member of `all` changes, with
    /// the times of the members that time it (in the order of `all`); stretches no member
    /// times are skipped.
    private static func sweep(_ all: [TaskTimes], _ body: (_ first: Int, _ end: Int, _ values: [Double]) -> Void) {
        var bounds: [Int] = []
        for times in all {
            for run in times.runs { bounds += [run.first, run.end] }
        }
        bounds.sort()
        var cursors = [Int](repeating: 0, count: all.count)
        var values: [Double] = []
        var previous: Int?
        for bound in bounds {
            defer { previous = bound }
            guard let first = previous, first < bound else { continue }
            values.removeAll(keepingCapacity: true)
            for (member, times) in all.enumerated() {
                while cursors[member] < times.runs.count, times.runs[cursors[member]].end <= first {
                    cursors[member] += 1
                }
                if cursors[member] < times.runs.count, times.runs[cursors[member]].first <= first {
                    values.append(times.runs[cursors[member]].seconds)
                }
            }
            if !values.isEmpty { body(first, bound, values) }
        }
    }

    /// The median of the list in which each value appears `weight` times (the mean of the two
    /// middle ones for an even total), as ``Statistics/median(_:)`` gives for that list.
    static func weightedMedian(_ pairs: [(value: Double, weight: Int)]) -> Double? {
        let sorted = pairs.filter { $0.weight > 0 && !$0.value.isNaN }.sorted { $0.value < $1.value }
        let total = sorted.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return nil }
        /// The value at position `position` (from 0) of the expanded list.
        func value(at position: Int) -> Double {
            var passed = 0
            for pair in sorted {
                passed += pair.weight
                if position < passed { return pair.value }
            }
            return sorted[sorted.count - 1].value
        }
        return total % 2 == 1 ? value(at: total / 2) : (value(at: total / 2 - 1) + value(at: total / 2)) / 2
    }

    /// Appends `run`, joined to the last run when it follows it with the same time.
    private static func append(_ run: Run, to runs: inout [Run]) {
        if let last = runs.last, last.end == run.first, last.seconds == run.seconds {
            runs[runs.count - 1].count += run.count
        } else {
            runs.append(run)
        }
    }
}
