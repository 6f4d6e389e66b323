import LabCore
import LabReport

/// `lab predict DIR`: each parallel cell's time predicted from the sequential cell and the
/// machine's unit costs, beside the measurement where the run has it.
struct PredictCommand: Command {
    static let name = "predict"
    static let summary = [
        "Predict each mode's time from the sequential cell and the machine's",
        "unit costs, beside the measurement; or on another machine's costs.",
    ]

    init(registry: WorkloadRegistry) {}
    let options: [OptionSpec] = [
        OptionSpec(
            "--calibration", value: "FILE", expected: "a calibration.csv that lab calibrate wrote",
            help:
                "Another machine's unit costs (its 'lab calibrate'), for what the run would take there; its cores "
                + "come with it. Without it, the costs the run recorded (run.json)."
        ),
        OptionSpec(
            "--workers", value: "LIST", expected: SharedOptions.workersExpectation,
            help: "Also predict every mode of the run at these worker counts, measured or not."),
        OptionSpec(
            "--workload", value: "NAME", expected: "a workload of the run", help: "Predict only this workload."),
        JSONSummary.formatOption,
    ]

    var help: String {
        """
        USAGE: lab predict DIR [--calibration FILE] [--workers LIST] [--workload NAME]

        Predicts, for each workload of the run in DIR, the time of every parallel cell from
        what its sequential cell measured (its time, its tasks) and the bytes its tasks move,
        with the machine's unit costs: the pool's start-up, the bytes over the transport,
        the hand-outs, the tail of the last claims, lanes taking turns on fewer cores, a
        mapped dataset's faults and the teardown, each a part of a speedup stack
        (stack.csv). Beside each, the measured median where the run has the cell, how far
        the prediction missed, and the part that missed most. A prediction knows nothing of
        the tasks' slowdown side by side (memory bandwidth, caches, the allocator): where a
        cell has one, the miss names it. For a crossover folder it also says, per pool, the
        size where the prediction and the measurement each start to beat sequential. With
        --calibration, the costs and core count are another machine's: what the run would
        take there. The run's costs are in its run.json (lab 0.9.0 or newer); an older run
        needs --calibration.

        OPTIONS:
        \(parser.optionsHelp())
          -h, --help
              Show this help.

        EXAMPLES:
          lab predict Results/reference
          lab predict Results/reference --workload digest --workers 1,2,4
          lab predict Results/reference --calibration Results/reference/calibration-one-core.csv

        """
    }

    func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parser.parse(arguments)
        guard parsed.positionals.count == 1, let path = parsed.positionals.first else {
            throw UsageError.other("lab predict needs exactly one run folder; see 'lab predict --help'")
        }
        let json = try JSONSummary.wanted(parsed)
        let calibration = try SharedOptions.calibration(parsed)
        let counts = try SharedOptions.workerCounts(parsed)
        let folder = RunFolder(path: path)
        let (records, recordsLeftOut) = try folder.readRecords()
        let (timelines, timelinesLeftOut) = try folder.readTimelines()
        CommandSupport.warnAboutLeftOut(recordsLeftOut + timelinesLeftOut)
        let description = try folder.runDescription()
        var context = SpeedupStack.Context(description)
        if let calibration {
            context.costs = calibration.costs
            context.cores = calibration.costs.cores ?? description.machine.cores
        }
        guard let costs = context.costs else {
            throw UsageError.other(
                "\(path) records no unit costs (a run before lab 0.9.0); give --calibration FILE from lab calibrate")
        }
        let cores = context.cores ?? description.machine.cores
        let summaries = CellSummary.summarize(records, timelines: timelines)
        let workloads = CellSummary.byWorkload(summaries)
        let workload = parsed.value("--workload")
        if let workload, !workloads.contains(where: { $0[0].workload == workload }) {
            let names = workloads.map { $0[0].workload }
            throw UsageError.invalidValue(
                option: "--workload", value: workload,
                expected: "a workload of this run: \(names.joined(separator: ", "))")
        }
        let stacks = SpeedupStack.stacks(of: summaries, context: context)
        var text =
            "Predicted from each sequential cell and the unit costs "
            + "\(calibration == nil ? "the run recorded" : "of another calibration") "
            + "(\(costs.source.shownInMessage)), on \(cores) core\(cores == 1 ? "" : "s"):\n"
        var rows: [[String: Any]] = []
        for group in workloads where workload == nil || group[0].workload == workload {
            guard let sequential = group.first(where: { $0.mode == .sequential }),
                let sequentialSeconds = sequential.parts?.totalSeconds
            else { continue }
            var targets = group.filter { $0.mode != .sequential && $0.wallMedian != nil }.map {
                (target: StackPrediction.Target($0), measured: Optional($0))
            }
            // Every kind of parallel cell the run has (mode, transport, start, dataset), at
            // the asked worker counts it lacks.
            var kinds: [StackPrediction.Target] = []
            for (target, _) in targets where !kinds.contains(where: { $0.sameKind(as: target) }) {
                kinds.append(target)
            }
            for count in counts ?? [] {
                for kind in kinds
                where !targets.contains(where: { $0.target.sameKind(as: kind) && $0.target.workers == count }) {
                    targets.append((kind.with(workers: count), nil))
                }
            }
            text +=
                "\n\(sequential.workload), \(sequential.parameters), \(sequential.tasks) tasks: sequential "
                + "\(NumberFormatting.duration(sequentialSeconds))\n"
            let table = targets.compactMap { target, measured -> [String]? in
                guard
                    let prediction = StackPrediction(
                        target, sequential: sequential,
                        bytes: StackPrediction.bytes(of: group, workloadKey: sequential.workloadKey), context: context)
                else { return nil }
                let stack = measured.flatMap { cell in stacks.first { $0.cellKey == cell.cellKey } }
                let measuredSeconds = stack?.measuredSeconds ?? measured?.parts?.totalSeconds
                var row: [String: Any] = [
                    "workload": sequential.workload, "params": sequential.parameters, "tasks": sequential.tasks,
                    "cell": target.label,
                    "predicted_s": prediction.predictedSeconds,
                ]
                var fields = [target.label, NumberFormatting.duration(prediction.predictedSeconds)]
                if let measuredSeconds, calibration == nil {
                    let miss = prediction.predictedSeconds / measuredSeconds - 1
                    row["measured_s"] = measuredSeconds
                    row["miss_percent"] = miss * 100
                    fields += [
                        NumberFormatting.duration(measuredSeconds),
                        (miss >= 0 ? "+" : "") + NumberFormatting.fixed(miss * 100, decimals: 1) + "%",
                    ]
                    if let stack, let worst = prediction.worstMiss(against: stack) {
                        let words = stack.words(for: worst.part)
                        row["missed_most"] = worst.part
                        fields.append(
                            "\(words): \(NumberFormatting.duration(worst.predicted)) predicted, "
                                + "\(NumberFormatting.duration(worst.measured)) measured"
                        )
                    } else {
                        fields.append("")
                    }
                } else {
                    fields += ["-", "", ""]
                }
                rows.append(row)
                return fields
            }
            text += Self.table(header: ["cell", "predicted", "measured", "miss", "part missed most"], rows: table)
        }
        var crossings: [[String: Any]] = []
        if description.command == "crossover", let arguments = description.arguments,
            let at = arguments.firstIndex(of: "--param"), at + 1 < arguments.count
        {
            let parameter = arguments[at + 1]
            crossings = Self.crossings(of: workloads, parameter: parameter, context: context)
            if !crossings.isEmpty {
                text +=
                    "\nWhere each pool beats sequential, by \(parameter) (between the sizes measured, the margins "
                    + "interpolated):\n"
            }
            for crossing in crossings {
                let mode = crossing["mode"] as? String ?? ""
                func size(_ key: String) -> String {
                    (crossing[key] as? Double).map { Explanation.grouped($0) } ?? "none of the sizes"
                }
                var line = "  \(mode): predicted \(size("predicted_size")), measured \(size("measured_size"))"
                if let predicted = crossing["predicted_size"] as? Double,
                    let measured = crossing["measured_size"] as? Double, measured > 0
                {
                    line += " (\(NumberFormatting.fixed(predicted / measured, decimals: 2))x the measured)"
                }
                text += line + "\n"
            }
        }
        if json {
            Console.output(
                try JSONSummary.document([
                    "command": "predict", "folder": path, "cores": cores, "unit_costs": costs.source, "cells": rows,
                    "crossings": crossings,
                ]))
        } else {
            Console.output(text)
        }
        return 0
    }

    /// A crossover folder's crossings, measured and predicted: per pool, the size of
    /// `parameter` where it starts to beat sequential, between the first size that beats it
    /// and the one below, the margins (pool less sequential) interpolated to zero; `nil`
    /// (absent) where no size measured does.
    static func crossings(
        of workloads: [[CellSummary]], parameter: String, context: SpeedupStack.Context
    ) -> [[String: Any]] {
        func value(_ cell: CellSummary) -> Double? {
            cell.parameters.split(separator: ";").first { $0.hasPrefix(parameter + "=") }.flatMap {
                Double($0.dropFirst(parameter.count + 1))
            }
        }
        // Per size: the sequential cell's median, and its breakdown's total, on which the
        // predictions stand.
        let sizes = workloads.compactMap {
            group -> (size: Double, sequential: Double, breakdown: Double?, cells: [CellSummary])? in
            guard let sequential = group.first(where: { $0.mode == .sequential }), let size = value(sequential),
                let alone = sequential.wallMedian
            else { return nil }
            return (size, alone, sequential.parts?.totalSeconds, group)
        }.sorted { $0.size < $1.size }
        let predictions = StackPrediction.predictions(of: sizes.flatMap(\.cells), context: context)
        /// Where `margin` (negative: the pool is faster) first turns negative, interpolated.
        func crossing(_ margins: [(size: Double, margin: Double)]) -> Double? {
            guard let index = margins.firstIndex(where: { $0.margin < 0 }) else { return nil }
            guard index > 0 else { return margins[index].size }
            let (low, high) = (margins[index - 1], margins[index])
            return low.size + (high.size - low.size) * low.margin / (low.margin - high.margin)
        }
        var found: [[String: Any]] = []
        for mode in [ExecutionMode.threads, .processes, .async] {
            var measured: [(Double, Double)] = []
            var predicted: [(Double, Double)] = []
            for size in sizes {
                guard let cell = size.cells.first(where: { $0.mode == mode }) else { continue }
                if let wall = cell.wallMedian { measured.append((size.size, wall - size.sequential)) }
                if let prediction = predictions[cell.cellKey], let alone = size.breakdown {
                    predicted.append((size.size, prediction.predictedSeconds - alone))
                }
            }
            guard !measured.isEmpty, !predicted.isEmpty else { continue }
            var row: [String: Any] = ["mode": mode.rawValue]
            row["measured_size"] = crossing(measured)
            row["predicted_size"] = crossing(predicted)
            found.append(row)
        }
        return found
    }

    /// Columns padded to their widest field, two spaces apart, indented by two.
    static func table(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in
            all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        return all.map { row in
            "  "
                + row.enumerated().map { column, field in
                    column == row.count - 1 ? field : field.padded(to: widths[column])
                }.joined(separator: "  ")
        }.map { line in String(line.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n") + "\n"
    }
}
