import Foundation
import LabCore

/// The views of `lab scale`: how each mode's speedup over sequential grows with the number of
/// workers, as `scale.csv`, an ASCII chart with findings and `scale.svg`.
package struct ScaleReport: Sendable {
    package let workload: String
    package let parameters: String
    package let tasks: Int
    package let cores: Int
    /// Every measured point, mode by mode in worker order; sequential first, at 1 worker.
    package let points: [ScalePoint]

    /// The worker counts a scale measures unless told: the powers of two up to four times
    /// the cores, and the core count (2 cores: 1, 2, 4, 8).
    package static func defaultWorkerCounts(cores: Int) -> [Int] {
        var counts: Set<Int> = [max(cores, 1)]
        var count = 1
        while count <= 4 * max(cores, 1) {
            counts.insert(count)
            count *= 2
        }
        return counts.sorted()
    }

    /// The Karp-Flatt metric: the serial fraction that would explain `speedup` with
    /// `workers` under Amdahl's law; `nil` for one (no parallel part to tell apart).
    package static func karpFlatt(speedup: Double, workers: Int) -> Double? {
        guard workers > 1, speedup > 0 else { return nil }
        let p = Double(workers)
        return (1 / speedup - 1 / p) / (1 - 1 / p)
    }

    /// Each parallel cell's speedup stack, in the order measured (``StackAreaChart``).
    package let stacks: [SpeedupStack]

    /// - Parameter stackContext: the run's unit costs and batch, for the stacks.
    package init(
        records: [RepetitionRecord], cores: Int,
        stackContext: SpeedupStack.Context = SpeedupStack.Context(costs: nil, batch: .automatic)
    ) {
        let summaries = CellSummary.summarize(records)
        stacks = SpeedupStack.stacks(of: summaries, context: stackContext)
        let first = summaries.first
        workload = first?.workload ?? ""
        parameters = first?.parameters ?? ""
        tasks = first?.tasks ?? 0
        self.cores = cores
        let sequential = summaries.first { $0.mode == .sequential }
        var unitsByCell: [String: [Double]] = [:]
        for record in records where record.status == .ok {
            if let value = record.units { unitsByCell[record.cellLabel, default: []].append(Double(value)) }
        }
        points = summaries.map { cell in
            let speedupInterval: ClosedRange<Double>? = {
                guard let base = sequential?.wallConfidence, let own = cell.wallConfidence, own.lowerBound > 0,
                    base.lowerBound > 0
                else { return nil }
                return (base.lowerBound / own.upperBound)...(base.upperBound / own.lowerBound)
            }()
            let median = cell.wallMedian
            let unitsPerRepetition = Statistics.median(unitsByCell[cell.label] ?? [])
            return ScalePoint(
                mode: cell.mode, workers: cell.workers, transport: cell.transport, succeeded: cell.succeeded,
                wallMedian: median,
                tasksPerSecond: median.flatMap { $0 > 0 ? Double(cell.tasks) / $0 : nil },
                unitsPerSecond: median.flatMap { wall in unitsPerRepetition.flatMap { wall > 0 ? $0 / wall : nil } },
                speedup: cell.speedup,
                speedupInterval: cell.speedup == nil || cell.mode == .sequential ? nil : speedupInterval,
                idleShare: cell.parts.flatMap { parts in median.map { parts.idleSeconds / $0 } },
                exchangeShare: cell.parts.flatMap { parts in median.map { parts.exchangeSeconds / $0 } },
                waitingShare: cell.counters.laneWaitingSeconds.flatMap { waiting in
                    median.flatMap { $0 > 0 ? waiting / $0 : nil }
                })
        }
    }

    /// The modes that have workers, in the order measured.
    var pooledModes: [ExecutionMode] {
        var modes: [ExecutionMode] = []
        for point in points where point.mode.usesWorkers && !modes.contains(point.mode) { modes.append(point.mode) }
        return modes
    }

    /// Ideal scaling: `workers` times as fast as sequential. Work that computes cannot follow
    /// it past the cores; work that waits can.
    func ideal(_ workers: Int) -> Double { Double(workers) }

    package var csv: String {
        let header = [
            "mode", "workers", "transport", "n", "wall_median_s", "tasks_per_s", "units_per_s", "speedup_x",
            "speedup_ci95_low_x",
            "speedup_ci95_high_x", "efficiency", "karp_flatt_serial_fraction", "idle_share", "exchange_share",
            "lane_waiting_share",
        ]
        func fixed(_ value: Double?, _ decimals: Int) -> String {
            value.map { NumberFormatting.fixed($0, decimals: decimals) } ?? ""
        }
        let rows = points.map { point in
            [
                point.mode.rawValue, String(point.workers), point.transport?.rawValue ?? "", String(point.succeeded),
                fixed(point.wallMedian, 6),
                fixed(point.tasksPerSecond, 3), fixed(point.unitsPerSecond, 3), fixed(point.speedup, 3),
                fixed(point.speedupInterval?.lowerBound, 3),
                fixed(point.speedupInterval?.upperBound, 3), fixed(point.efficiency, 3), fixed(point.serialFraction, 3),
                fixed(point.idleShare, 3),
                fixed(point.exchangeShare, 3), fixed(point.waitingShare, 3),
            ]
        }
        return CSV.record(header) + rows.map(CSV.record).joined()
    }

    /// Speedup by workers, a bar per mode, `|` marking the ideal (one worker per core).
    package var asciiChart: String {
        let barWidth = 34
        let pooled = points.filter { $0.mode.usesWorkers }
        let largest = max((pooled.compactMap(\.speedup) + pooled.map { ideal($0.workers) }).max() ?? 1, 1)
        var text =
            "\(workload): speedup over sequential by workers, \(cores) cores ('|' marks the ideal: speedup = workers)\n"
        let workerCounts = Array(Set(pooled.map(\.workers))).sorted()
        for workers in workerCounts {
            for (index, point) in pooled.filter({ $0.workers == workers }).enumerated() {
                let label = index == 0 ? "x\(workers)" : ""
                var bar = Array(repeating: Character(" "), count: barWidth + 1)
                let filled = point.speedup.map { min(Int(($0 / largest * Double(barWidth)).rounded()), barWidth) } ?? 0
                for column in 0..<filled { bar[column] = "#" }
                bar[min(Int((ideal(workers) / largest * Double(barWidth)).rounded()), barWidth)] = "|"
                let value = point.speedup.map { NumberFormatting.fixed($0, decimals: 2) + "x" } ?? "failed"
                let interval =
                    point.speedupInterval.map {
                        " [\(NumberFormatting.fixed($0.lowerBound, decimals: 2))-"
                            + "\(NumberFormatting.fixed($0.upperBound, decimals: 2))]"
                    } ?? ""
                text +=
                    label.padded(to: 5) + point.mode.rawValue.padded(to: 10) + String(bar) + " " + value + interval
                    + "\n"
            }
        }
        return text
    }

    /// What the curves say, a sentence per mode.
    package var findings: String {
        pooledModes.map { mode in
            let curve = points.filter { $0.mode == mode && $0.speedup != nil }
            guard let best = curve.max(by: { $0.speedup! < $1.speedup! }), let last = curve.last else {
                return "\(mode.rawValue): no successful cell\n"
            }
            var sentence =
                "\(mode.rawValue): best \(NumberFormatting.fixed(best.speedup!, decimals: 2))x at \(best.workers) "
                + "worker\(best.workers == 1 ? "" : "s")"
            // Where the scheduler says the lanes waited for a core, that is the reason, not a
            // serial part of the work (which Karp-Flatt would make of it).
            if let waiting = best.waitingShare, waiting >= 0.05 {
                sentence +=
                    " (efficiency \(NumberFormatting.fixed(best.efficiency!, decimals: 2)); each \(mode.laneNoun) "
                    + "waited for a core \(NumberFormatting.percent(waiting)) of the time)"
            } else if mode == .async, best.workers > cores {
                // Tasks in flight are not threads: Swift's cooperative pool has one per core.
                sentence +=
                    " (efficiency \(NumberFormatting.fixed(best.efficiency!, decimals: 2)); \(best.workers) tasks in "
                    + "flight share the cooperative pool's threads, one per core)"
            } else if let fraction = best.serialFraction {
                sentence +=
                    " (efficiency \(NumberFormatting.fixed(best.efficiency!, decimals: 2)), serial fraction "
                    + "\(NumberFormatting.fixed(fraction, decimals: 3)))"
            }
            if last.workers != best.workers {
                sentence += "; \(NumberFormatting.fixed(last.speedup!, decimals: 2))x at \(last.workers)"
                if let exchange = last.exchangeShare, let idle = last.idleShare {
                    sentence +=
                        ", where exchange took \(NumberFormatting.percent(exchange)) and idle lanes "
                        + "\(NumberFormatting.percent(idle)) of the time"
                }
                if let waiting = last.waitingShare, waiting >= 0.05 {
                    sentence +=
                        "; each \(mode.laneNoun) waited for a core \(NumberFormatting.percent(waiting)) of the time "
                        + "there"
                }
            }
            if let fit = ScalabilityFit(curve.map { ($0.workers, $0.speedup!) }) {
                sentence += ". " + fit.sentence(beyond: last.workers)
            }
            return sentence + "\n"
        }.joined()
    }

    /// Speedup against workers (log scale), a line per mode with its intervals as error
    /// bars, and the ideal dashed.
    package var svg: String {
        let frame = PlotFrame(height: 420, right: 140)
        let (height, left, top, plotWidth, plotHeight) = (
            frame.height, frame.left, frame.top, frame.plotWidth, frame.plotHeight
        )
        let pooled = points.filter { $0.mode.usesWorkers }
        let workerCounts = Array(Set(pooled.map(\.workers))).sorted()
        let low = log2(Double(workerCounts.first ?? 1)), high = max(log2(Double(workerCounts.last ?? 2)), low + 1)
        let largest =
            max(
                (pooled.compactMap { $0.speedupInterval?.upperBound ?? $0.speedup } + workerCounts.map(ideal)).max()
                    ?? 1, 1) * 1.1
        func x(_ workers: Int) -> Double { left + (log2(Double(max(workers, 1))) - low) / (high - low) * plotWidth }
        func y(_ speedup: Double) -> Double { top + plotHeight - speedup / largest * plotHeight }
        func number(_ value: Double) -> String { SvgChart.number(value) }
        var text = frame.opening(title: "\(workload): speedup over sequential by workers (\(cores) cores)")
        for workers in workerCounts {
            text +=
                "<line x1=\"\(number(x(workers)))\" y1=\"\(number(top + plotHeight))\" x2=\"\(number(x(workers)))\" "
                + "y2=\"\(number(top + plotHeight + 5))\" stroke=\"#000000\"/>"
            text +=
                "<text x=\"\(number(x(workers)))\" y=\"\(number(top + plotHeight + 18))\" "
                + "text-anchor=\"middle\">\(workers)</text>\n"
        }
        var tick = 0.0
        while tick <= largest {
            text +=
                "<text x=\"\(number(left - 6))\" y=\"\(number(y(tick) + 4))\" "
                + "text-anchor=\"end\">\(NumberFormatting.fixed(tick, decimals: 0))x</text>"
            text +=
                "<line x1=\"\(number(left))\" y1=\"\(number(y(tick)))\" x2=\"\(number(left + plotWidth))\" "
                + "y2=\"\(number(y(tick)))\" stroke=\"#e0e0e0\"/>\n"
            tick += largest > 12 ? 4 : (largest > 6 ? 2 : 1)
        }
        text +=
            "<text x=\"\(number(left + plotWidth / 2))\" y=\"\(number(height - 16))\" text-anchor=\"middle\">workers "
            + "(log scale)</text>\n"
        let idealPath = workerCounts.map { "\(number(x($0))),\(number(y(ideal($0))))" }.joined(separator: " ")
        text += "<polyline points=\"\(idealPath)\" fill=\"none\" stroke=\"#7f7f7f\" stroke-dasharray=\"4 3\"/>\n"
        if let last = workerCounts.last {
            text +=
                "<text x=\"\(number(x(last) - 6))\" y=\"\(number(y(ideal(last)) + 4))\" text-anchor=\"end\" "
                + "fill=\"#7f7f7f\">ideal</text>\n"
        }
        for (index, mode) in pooledModes.enumerated() {
            let colour = SvgChart.colour(of: mode)
            let curve = pooled.filter { $0.mode == mode && $0.speedup != nil }
            let path = curve.map { "\(number(x($0.workers))),\(number(y($0.speedup!)))" }.joined(separator: " ")
            text += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>\n"
            for point in curve {
                text +=
                    "<circle cx=\"\(number(x(point.workers)))\" cy=\"\(number(y(point.speedup!)))\" r=\"3\" "
                    + "fill=\"\(colour)\"/>"
                if let interval = point.speedupInterval {
                    let at = x(point.workers)
                    text +=
                        "<path d=\"M\(number(at - 3)) "
                        + "\(number(y(interval.lowerBound)))H\(number(at + 3))M\(number(at)) "
                        + "\(number(y(interval.lowerBound)))V\(number(y(interval.upperBound)))M\(number(at - 3)) "
                        + "\(number(y(interval.upperBound)))H\(number(at + 3))\" stroke=\"\(colour)\" "
                        + "fill=\"none\"/>"
                }
                text += "\n"
            }
            // The legend, one line per mode on the right.
            text +=
                "<text x=\"\(number(left + plotWidth + 20))\" "
                + "y=\"\(number(top + plotHeight / 2 + Double(index) * 18))\" "
                + "fill=\"\(colour)\">\(mode.rawValue)</text>\n"
        }
        return text + "</svg>\n"
    }

    /// The ASCII chart and the findings: `scale.txt`, and what the command prints.
    package var text: String { asciiChart + "\n" + findings }

    /// The study's own files, by name and content.
    package var files: [(name: String, text: String)] {
        [("scale.csv", csv), ("scale.txt", text), ("scale.svg", svg)]
            + (StackAreaChart().render(stacks).map { [("scale-stack.svg", $0)] } ?? [])
    }
}
