import LabCore

/// `report.md`: the machine and plan, then per workload a table, the ASCII chart and a few
/// sentences computed from the numbers (never canned text).
package struct MarkdownReport {
    package init() {}

    /// - Parameter timelineFiles: the timeline SVG of each workload setting, by
    ///   ``CellSummary/workloadKey``, to link from its section.
    package func render(
        description: RunDescription, summaries: [CellSummary], timelineFiles: [String: String] = [:]
    ) -> String {
        var text = "# Workload lab run \(description.runID.markdownText)\n\n"
        text += header(description)
        text += "## Overview\n\n" + MarkdownReport.overview(summaries) + "\n"
        let chart = AsciiChart()
        for cells in CellSummary.byWorkload(summaries) {
            let cell = cells[0]
            text += "## \(cell.workload) (\(cell.kind.rawValue))\n\n"
            text +=
                "Parameters: \((cell.parameters.isEmpty ? "none" : cell.parameters).markdownCode), \(cell.tasks) "
                + "tasks.\n\n"
            text += MarkdownReport.table(cells) + "\n"
            text += "```text\n" + chart.render(block: cells) + "```\n\n"
            for sentence in MarkdownReport.findings(cells) { text += "- \(sentence)\n" }
            text += "\n"
            if cells.contains(where: { $0.parts != nil }) {
                text += "### Where the time went: \(cell.workload)\n\n"
                text += MarkdownReport.breakdownTable(cells) + "\n"
                if let file = timelineFiles[cell.workloadKey] {
                    text += "![timeline of the median repetition of each \(cell.workload) cell](\(file))\n\n"
                }
            }
            let stacks = SpeedupStack.stacks(of: cells, context: SpeedupStack.Context(description))
            if !stacks.isEmpty {
                text += "### Why not the ideal speedup: \(cell.workload)\n\n"
                text += MarkdownReport.stackTable(stacks) + "\n"
                text +=
                    "![why each parallel cell is not as many times as fast as it has "
                    + "workers](\(RunFolder.stackSVGName))\n\n"
            }
            if cells.contains(where: { $0.counters.coordinatorMinorFaults != nil }) {
                text += "### What the machine did: \(cell.workload)\n\n"
                text += MarkdownReport.machineTable(cells) + "\n"
            }
        }
        return text
    }

    private func header(_ description: RunDescription) -> String {
        let machine = description.machine
        let memory = NumberFormatting.fixed(Double(machine.memoryKiB) / 1_048_576, decimals: 1)
        var text =
            "Measured on \(machine.cpuModel.markdownText) (\(machine.cores) cores, \(memory) GiB, "
            + "\(machine.kernel.markdownText))"
        if let runtime = description.runtime {
            text += " with \(runtime.markdownText), by \(description.labVersion.markdownText)"
        } else {
            text +=
                " with Swift \(description.swiftVersion.markdownText), \(description.buildConfiguration.markdownText) "
                + "build, lab \(description.labVersion.markdownText)"
        }
        text += description.gitCommit.map { " (commit \(String($0.prefix(12)).markdownText))" } ?? ""
        text += ".\n"
        let plan = description.plan
        text +=
            "Plan: \(plan.workloads.count) workload\(plan.workloads.count == 1 ? "" : "s"); modes "
            + "\(plan.modes.joined(separator: ", ").markdownText);"
        text +=
            " workers \(plan.workers.map(String.init).joined(separator: ", ")); \(plan.repetitions) repetitions after "
            + "\(plan.warmup) warm-up\(plan.warmup == 1 ? "" : "s"),"
        text += " \(plan.order.markdownText) order.\n"
        text +=
            "Started \(description.startedAt.markdownText)"
            + (description.endedAt.map { ", ended \($0.markdownText)" } ?? "") + ".\n\n"
        if description.partial {
            text += "> **Partial run**: it was interrupted; only the cells that finished are reported.\n\n"
        }
        if let resumptions = description.resumptions, !resumptions.isEmpty {
            let times = resumptions.map(\.startedAt).joined(separator: ", ").markdownText
            text +=
                "> **Resumed** \(resumptions.count == 1 ? "once" : "\(resumptions.count) times") (\(times)): each time "
                + "the lab, the machine and the plan were checked to be the run's, the repetitions measured before "
                + "were kept, and the warm-ups ran again before each cell taken up.\n\n"
        }
        if description.runtime == nil, description.buildConfiguration != "release" {
            text +=
                "> **Debug build**: its timings are not representative; measure with `swift run -c release lab "
                + "run`.\n\n"
        }
        if let counters = description.counters {
            text +=
                "Counters: hardware counts "
                + "\(counters.hardware == "counted" ? "counted" : counters.hardware.markdownText); "
            text += "a repetition is disturbed when \(counters.disturbedWhen.markdownText).\n\n"
        }
        for finding in description.checks ?? [] where finding.level == .warning {
            text += "> **Machine check, \(finding.topic.markdownText)**: \(finding.text.markdownText).\n\n"
        }
        text +=
            "Wall times are medians of the successful repetitions, with the 95% confidence interval of the mean "
            + "(Student's t). "
        text += "Speedup is the sequential median divided by the cell's; efficiency is speedup per worker. "
        text += "CPU counts the coordinator and its workers; peak memory is the coordinator's, then one worker's.\n\n"
        return text
    }

    /// One row per workload: its sequential median and every other cell's speedup, with the
    /// workers in the column name. Fits a README.
    package static func overview(_ summaries: [CellSummary]) -> String {
        var columns: [String] = []
        for cell in summaries where cell.mode != .sequential && !columns.contains(cell.label) {
            columns.append(cell.label)
        }
        var text = "| workload | kind | sequential | " + columns.map { "\($0)" }.joined(separator: " | ") + " |\n"
        text += "|---|---|---|" + String(repeating: "---|", count: columns.count) + "\n"
        for group in CellSummary.byWorkload(summaries) {
            let cell = group[0]
            let sequential = group.first { $0.mode == .sequential }?.wallMedian.map(NumberFormatting.duration) ?? "-"
            let speedups = columns.map { label -> String in
                guard let cell = group.first(where: { $0.label == label }) else { return "-" }
                guard cell.wallMedian != nil else { return cell.missingMedianText }
                return cell.speedup.map { NumberFormatting.fixed($0, decimals: 2) + "x" } ?? "-"
            }
            text +=
                "| `\(cell.workload)` | \(cell.kind.rawValue) | \(sequential) | " + speedups.joined(separator: " | ")
                + " |\n"
        }
        return text
    }

    static func table(_ cells: [CellSummary]) -> String {
        var text =
            "| mode | workers | median wall | 95% CI | speedup | efficiency | CPU | CPU use | peak memory | start-up "
            + "|\n"
        text += "|---|---|---|---|---|---|---|---|---|---|\n"
        for cell in cells {
            let interval =
                cell.wallConfidence.map {
                    "\(NumberFormatting.duration($0.lowerBound)) to \(NumberFormatting.duration($0.upperBound))"
                } ?? "-"
            let memory = [
                cell.coordinatorMaxResidentMedianKiB, cell.mode == .processes ? cell.workersMaxResidentMedianKiB : nil,
            ]
            .compactMap { $0.map(mebibytes) }.joined(separator: " + ")
            let columns = [
                cell.modeText, String(cell.workers),
                cell.wallMedian.map(NumberFormatting.duration) ?? cell.missingMedianText, interval,
                cell.speedup.map { NumberFormatting.fixed($0, decimals: 2) + "x" } ?? "-",
                cell.efficiency.map { NumberFormatting.fixed($0, decimals: 2) } ?? "-",
                cell.cpuMedian.map(NumberFormatting.duration) ?? "-",
                cell.cpuUtilisation.map { NumberFormatting.fixed($0, decimals: 2) } ?? "-",
                memory.isEmpty ? "-" : memory,
                cell.startupMedian.map(NumberFormatting.duration) ?? "-",
            ]
            text += "| " + columns.joined(separator: " | ") + " |\n"
        }
        return text
    }

    /// Per cell, the parts of the median repetition's wall time, each as a time and as a share
    /// of the wall time, and the task slowdown.
    /// A run with the lanes' scheduler figures (0.6.0) gets one more column: how much of the
    /// work part each lane spent runnable but waiting for a core.
    package static func breakdownTable(_ cells: [CellSummary]) -> String {
        let waiting = cells.contains { $0.counters.laneWaitingSeconds != nil }
        var text =
            "| mode | wall | start-up | work | exchange | idle | teardown | residual | task slowdown |"
            + (waiting ? " of work: waiting for a core |" : "") + "\n"
        text += "|---|---|---|---|---|---|---|---|---|" + (waiting ? "---|" : "") + "\n"
        for cell in cells {
            guard let parts = cell.parts, let wall = cell.wallMedian else { continue }
            let shares = parts.parts.map { part in
                NumberFormatting.duration(part.seconds) + " ("
                    + NumberFormatting.percent(part.seconds / max(wall, 1e-12)) + ")"
            }
            text += "| \(cell.label) | \(NumberFormatting.duration(wall)) | " + shares.joined(separator: " | ") + " | "
            text += (cell.taskSlowdown.map { NumberFormatting.fixed($0, decimals: 2) + "x" } ?? "-") + " |"
            if waiting {
                // Waiting falls mostly in the work part; a lane also waits while it exchanges.
                let inWork = cell.counters.laneWaitingSeconds.map { min($0, parts.workSeconds) }
                text +=
                    " "
                    + (inWork.map {
                        NumberFormatting.duration($0) + " ("
                            + NumberFormatting.percent($0 / max(parts.workSeconds, 1e-12)) + ")"
                    } ?? "-") + " |"
            }
            text += "\n"
        }
        return text
    }

    /// Per parallel cell, its speedup stack (``SpeedupStack``): the ideal and measured times and
    /// speedups, and each part of the gap as the speedup it lost and its time.
    package static func stackTable(_ stacks: [SpeedupStack]) -> String {
        var text = "| mode | speedup, of ideal | ideal | measured |"
        text += SpeedupStack.partWords.map { " \($0.words) |" }.joined() + "\n"
        text += "|---|---|---|---|" + String(repeating: "---|", count: SpeedupStack.partNames.count) + "\n"
        for stack in stacks {
            let times = NumberFormatting.durations([stack.idealSeconds, stack.measuredSeconds])
            text +=
                "| \(stack.label) | \(NumberFormatting.fixed(stack.achievedSpeedup, decimals: 2))x of "
                + "\(NumberFormatting.fixed(stack.idealSpeedup, decimals: 2))x | \(times[0]) | \(times[1]) |"
            for part in stack.parts {
                text +=
                    " \(NumberFormatting.fixed(part.lostSpeedup, decimals: 2))x "
                    + "(\(NumberFormatting.duration(part.seconds))) |"
            }
            text += "\n"
        }
        return text
    }

    /// Per cell, what the machine did in its median repetition: page faults, the workers'
    /// context switches, each lane's wait for a core and migrations, the workers' memory as
    /// RSS, PSS and USS, hardware counts where the machine has them, and other processes'
    /// CPU time with the disturbed repetitions.
    package static func machineTable(_ cells: [CellSummary]) -> String {
        let hardware = cells.contains { $0.counters.instructions != nil }
        var text =
            "| mode | page faults (coordinator + workers) | workers' context switches | waiting for a core, per lane | "
            + "migrations | workers' RSS / PSS / USS |"
        text += (hardware ? " instructions | cycles | cache misses |" : "") + " others' CPU | disturbed |\n"
        text += "|---|---|---|---|---|---|" + (hardware ? "---|---|---|" : "") + "---|---|\n"
        func count(_ value: Double?) -> String { value.map { Explanation.grouped($0) } ?? "-" }
        for cell in cells where cell.wallMedian != nil {
            let counters = cell.counters
            let faults = [
                counters.coordinatorMinorFaults.map { $0 + (counters.coordinatorMajorFaults ?? 0) },
                counters.workersMinorFaults.map { $0 + (counters.workersMajorFaults ?? 0) },
            ]
            let faultText = cell.mode == .processes ? faults.map(count).joined(separator: " + ") : count(faults[0])
            let switches =
                cell.mode == .processes
                ? count(counters.workersVoluntaryContextSwitches) + " + "
                    + count(counters.workersInvoluntaryContextSwitches) + " involuntary" : "-"
            let waiting =
                counters.laneWaitingSeconds.map { seconds in
                    let share = cell.wallMedian.map { " (" + NumberFormatting.percent(seconds / max($0, 1e-12)) + ")" }
                    return NumberFormatting.duration(seconds) + (share ?? "")
                } ?? "-"
            var memory = "-"
            if cell.mode == .processes, let resident = counters.workersResidentKiB,
                let proportional = counters.workersProportionalKiB,
                let unique = counters.workersUniqueKiB
            {
                memory = [resident, proportional, unique].map(mebibytes).joined(separator: " / ")
            }
            var columns = [cell.label, faultText, switches, waiting, count(counters.lanesMigrations), memory]
            if hardware {
                columns += [count(counters.instructions), count(counters.cycles), count(counters.cacheMisses)]
            }
            columns.append(counters.othersCPUSeconds.map(NumberFormatting.duration) ?? "-")
            columns.append(counters.disturbed.map { "\($0) of \(cell.succeeded)" } ?? "-")
            text += "| " + columns.joined(separator: " | ") + " |\n"
        }
        return text
    }

    static func mebibytes(_ kibibytes: Double) -> String {
        NumberFormatting.fixed(kibibytes / 1024, decimals: 1) + " MiB"
    }

    /// Sentences that say what this workload's numbers show.
    static func findings(_ cells: [CellSummary]) -> [String] {
        var sentences: [String] = []
        let measured = cells.filter { $0.wallMedian != nil && $0.mode != .sequential }
        if let best = measured.max(by: { ($0.speedup ?? 0) < ($1.speedup ?? 0) }), let speedup = best.speedup {
            sentences.append(
                "Fastest: \(best.label), \(NumberFormatting.fixed(speedup, decimals: 2))x against sequential "
                    + "(efficiency \(NumberFormatting.fixed(best.efficiency ?? 0, decimals: 2)))."
            )
        }
        for processes in measured where processes.mode == .processes {
            if let speedup = processes.speedup, let startup = processes.startupMedian, let wall = processes.wallMedian,
                wall > 0
            {
                sentences.append(
                    "Processes reached \(NumberFormatting.fixed(speedup, decimals: 2))x at \(processes.workers) "
                        + "worker\(processes.workers == 1 ? "" : "s"); their start-up took "
                        + "\(NumberFormatting.duration(startup)), "
                        + "\(NumberFormatting.fixed(startup / wall * 100, decimals: 0))% of the cell."
                )
            }
            if let threads = measured.first(where: { $0.mode == .threads && $0.workers == processes.workers }),
                let threadWall = threads.wallMedian, let processWall = processes.wallMedian
            {
                let overlap = overlaps(threads.wallConfidence, processes.wallConfidence)
                let (winner, ratio) =
                    threadWall <= processWall
                    ? ("Threads", processWall / threadWall) : ("Processes", threadWall / processWall)
                let verdict = overlap ? "; their 95% intervals overlap, so the difference is not significant" : ""
                sentences.append(
                    "\(winner) were \(NumberFormatting.fixed(ratio, decimals: 2))x faster than "
                        + "\(winner == "Threads" ? "processes" : "threads") at \(processes.workers) workers\(verdict)."
                )
            }
        }
        for cell in cells {
            if let warning = cell.warning { sentences.append("Warning: \(warning.markdownText).") }
            if let disturbed = cell.disturbanceText {
                sentences.append(
                    "Disturbed: \(disturbed); other processes or the hypervisor took CPU time meanwhile, so these "
                        + "times are not this code's alone."
                )
            }
        }
        return sentences
    }

    static func overlaps(_ first: ClosedRange<Double>?, _ second: ClosedRange<Double>?) -> Bool {
        guard let first, let second else { return true }
        return first.overlaps(second)
    }
}

extension String {
    /// Text from a run folder as Markdown shows it, never as markup: control characters as
    /// escapes (so it stays on its line), and the characters that open code, emphasis, links,
    /// HTML or a table cell behind a backslash. (`_` inside a word opens nothing in CommonMark
    /// and is left as it is, so `x86_64` reads as written.)
    package var markdownText: String {
        var text = ""
        for character in shownInMessage {
            if "\\`*[]<>|".contains(character) { text.append("\\") }
            text.append(character)
        }
        return text
    }

    /// Text from a run folder as inline code: fenced by one backtick more than the longest
    /// run of backticks it holds (CommonMark's rule), control characters as escapes.
    package var markdownCode: String {
        let shown = shownInMessage
        var longest = 0
        var run = 0
        for character in shown {
            run = character == "`" ? run + 1 : 0
            longest = Swift.max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let padding = longest > 0 ? " " : ""
        return fence + padding + shown + padding + fence
    }
}
