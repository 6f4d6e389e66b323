import Foundation
import LabCore

/// The views of a crossover scan: `crossover.csv`, the ASCII curve, `crossover.svg` and the
/// findings in words.
package struct CrossoverReport: Sendable {
    package let workload: String
    package let parameter: ParameterSpec
    package let workers: Int
    package let tolerance: Double
    package let points: [CrossoverPoint]
    package let findings: [CrossoverFinding]

    package init(
        workload: String, parameter: ParameterSpec, workers: Int, tolerance: Double, points: [CrossoverPoint],
        findings: [CrossoverFinding]
    ) {
        self.workload = workload
        self.parameter = parameter
        self.workers = workers
        self.tolerance = tolerance
        self.points = points.sorted { $0.size < $1.size }
        self.findings = findings
    }

    /// The pooled modes the scan compared with sequential, in the lab's order of modes.
    package var modes: [ExecutionMode] {
        let measured = Set(points.flatMap(\.modes))
        return measured.isEmpty ? [.threads, .processes] : ExecutionMode.allCases.filter { measured.contains($0) }
    }

    /// Whether processes are compared with threads (both were measured).
    var comparesProcessesWithThreads: Bool { modes.contains(.threads) && modes.contains(.processes) }

    /// `limit (count)`, or the bare name for a unitless parameter.
    var sizeLabel: String {
        parameter.unit.isEmpty ? parameter.name : "\(parameter.name) (\(parameter.unit))"
    }

    /// The curve, one row per size: medians and ratios, units in every column name; a column
    /// per mode measured.
    package var csv: String {
        let unit = parameter.unit.isEmpty ? "" : "_" + parameter.unit
        let header =
            ["\(parameter.name)\(unit)", "tasks", "workers", "sequential_median_s"]
            + modes.map { "\($0.rawValue)_median_s" }
            + modes.map { "\($0.rawValue)_speedup_x" }
            + (comparesProcessesWithThreads ? ["processes_over_threads_x"] : []) + ["phase"]
        let rows = points.map { point in
            [
                String(point.size), String(point.tasks), String(workers),
                NumberFormatting.fixed(point.sequentialSeconds, decimals: 6),
            ]
                + modes.map { NumberFormatting.fixed(point.seconds[$0] ?? .nan, decimals: 6) }
                + modes.map { NumberFormatting.fixed(point.speedup($0), decimals: 3) }
                + (comparesProcessesWithThreads
                    ? [NumberFormatting.fixed(point.processesOverThreads, decimals: 3)] : []) + [point.phase]
        }
        return CSV.record(header) + rows.map(CSV.record).joined()
    }

    /// The findings, one sentence each.
    package var findingsText: String {
        findings.map { finding in
            let what =
                finding.crossing == .processesCatchThreads
                ? "processes within \(NumberFormatting.fixed(tolerance * 100, decimals: 0))% of threads"
                : finding.crossing.description
            switch finding.location {
            case .between(let below, let size):
                return "\(what) from \(parameter.name) = \(size) (not yet at \(below))\n"
            case .fromTheStart(let size):
                return "\(what) already at the smallest size, \(parameter.name) = \(size)\n"
            case .never(let upTo):
                let last =
                    points.last.map { point in
                        switch finding.crossing {
                        case .processesCatchThreads:
                            "; there processes take "
                                + "\(NumberFormatting.fixed(point.processesOverThreads, decimals: 2))x the threads' "
                                + "time"
                        case .beatsSequential(let mode):
                            "; there the speedup is \(NumberFormatting.fixed(point.speedup(mode), decimals: 2))x"
                        }
                    } ?? ""
                return "\(what): not up to \(parameter.name) = \(upTo)\(last)\n"
            }
        }.joined()
    }

    /// Speedup over sequential per size, a bar per mode, `|` marking 1.00x.
    package var asciiChart: String {
        let barWidth = 36
        let modes = self.modes
        let largest = max(points.flatMap { point in modes.map { point.speedup($0) } }.filter(\.isFinite).max() ?? 1, 1)
        let one = Int((1 / largest * Double(barWidth)).rounded())
        let sizeWidth = max(points.map { String($0.size).count }.max() ?? 0, parameter.name.count)
        var text = "\(workload): speedup over sequential by \(sizeLabel), \(workers) workers ('|' marks 1.00x)\n"
        for point in points {
            for (index, (mode, speedup)) in modes.map({ ($0.rawValue, point.speedup($0)) }).enumerated() {
                let size = index == 0 ? String(point.size) : ""
                var bar = Array(repeating: Character(" "), count: barWidth + 1)
                let filled = speedup.isFinite ? min(Int((speedup / largest * Double(barWidth)).rounded()), barWidth) : 0
                for column in 0..<filled { bar[column] = "#" }
                if one <= barWidth { bar[one] = "|" }
                let value = speedup.isFinite ? NumberFormatting.fixed(speedup, decimals: 2) + "x" : "failed"
                text +=
                    String(repeating: " ", count: sizeWidth - size.count) + size + "  " + mode
                    + String(repeating: " ", count: 10 - mode.count)
                text += String(bar) + " " + value + "\n"
            }
        }
        return text
    }

    /// The curve as SVG: speedup over sequential against the size on a log scale, a line per
    /// mode, a dashed line at 1.00x.
    package var svg: String {
        let frame = PlotFrame(height: 400, right: 130)
        let (height, left, top, plotWidth, plotHeight) = (
            frame.height, frame.left, frame.top, frame.plotWidth, frame.plotHeight
        )
        let sizes = points.map { log2(Double(max($0.size, 1))) }
        let low = sizes.min() ?? 0, high = max(sizes.max() ?? 1, low + 1)
        let modes = self.modes
        let largest =
            max(points.flatMap { point in modes.map { point.speedup($0) } }.filter(\.isFinite).max() ?? 1, 1) * 1.1
        func x(_ size: Int) -> Double { left + (log2(Double(max(size, 1))) - low) / (high - low) * plotWidth }
        func y(_ speedup: Double) -> Double { top + plotHeight - speedup / largest * plotHeight }
        func number(_ value: Double) -> String { SvgChart.number(value) }
        var text = frame.opening(title: "\(workload): speedup over sequential, \(workers) workers")
        text +=
            "<line x1=\"\(number(left))\" y1=\"\(number(y(1)))\" x2=\"\(number(left + plotWidth))\" "
            + "y2=\"\(number(y(1)))\" stroke=\"#7f7f7f\" stroke-dasharray=\"4 3\"/>\n"
        text += "<text x=\"\(number(left - 6))\" y=\"\(number(y(1) + 4))\" text-anchor=\"end\">1.00x</text>\n"
        text +=
            "<text x=\"\(number(left - 6))\" y=\"\(number(y(largest / 1.1) + 4))\" "
            + "text-anchor=\"end\">\(NumberFormatting.fixed(largest / 1.1, decimals: 2))x</text>\n"
        // The ends of the scan, and the powers of ten between them that leave room for a label.
        var ticks = [points.first?.size, points.last?.size].compactMap { $0 }
        var decade = 10
        while decade < (points.last?.size ?? 0) {
            if let first = points.first?.size, decade > first, ticks.allSatisfy({ abs(x($0) - x(decade)) > 50 }) {
                ticks.append(decade)
            }
            decade = decade > Int.max / 10 ? Int.max : decade * 10
        }
        for size in ticks {
            text +=
                "<line x1=\"\(number(x(size)))\" y1=\"\(number(top + plotHeight))\" x2=\"\(number(x(size)))\" "
                + "y2=\"\(number(top + plotHeight + 5))\" stroke=\"#000000\"/>"
            text +=
                "<text x=\"\(number(x(size)))\" y=\"\(number(top + plotHeight + 18))\" "
                + "text-anchor=\"middle\">\(size)</text>\n"
        }
        text += "<text x=\"\(number(left - 6))\" y=\"\(number(y(0) + 4))\" text-anchor=\"end\">0</text>\n"
        // The end labels, kept at least 14 apart when the curves end close together.
        var labelY = modes.map { mode in
            points.last.map { $0.speedup(mode) }.flatMap { $0.isFinite ? y($0) + 4 : nil } ?? 0
        }
        let order = labelY.indices.sorted { labelY[$0] < labelY[$1] }
        for (previous, index) in zip(order, order.dropFirst()) where labelY[index] - labelY[previous] < 14 {
            labelY[index] = labelY[previous] + 14
        }
        text +=
            "<text x=\"\(number(left + plotWidth / 2))\" y=\"\(number(height - 16))\" "
            + "text-anchor=\"middle\">\(sizeLabel), log scale</text>\n"
        for (index, mode) in modes.enumerated() {
            let colour = SvgChart.colour(of: mode)
            let finite = points.filter { $0.speedup(mode).isFinite }
            let path = finite.map { "\(number(x($0.size))),\(number(y($0.speedup(mode))))" }.joined(separator: " ")
            text += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>\n"
            for point in finite {
                text +=
                    "<circle cx=\"\(number(x(point.size)))\" cy=\"\(number(y(point.speedup(mode))))\" r=\"3\" "
                    + "fill=\"\(colour)\"/>\n"
            }
            if let last = finite.last {
                let labelTop = last.size == points.last?.size ? labelY[index] : y(last.speedup(mode)) + 4
                text +=
                    "<text x=\"\(number(x(last.size) + 8))\" y=\"\(number(labelTop))\" "
                    + "fill=\"\(colour)\">\(mode.rawValue) "
                    + "\(NumberFormatting.fixed(last.speedup(mode), decimals: 2))x</text>\n"
            }
        }
        return text + "</svg>\n"
    }

    /// The ASCII chart and the findings: `crossover.txt`, and what the command prints.
    package var text: String { asciiChart + "\n" + findingsText }

    /// The study's own files, by name and content.
    package var files: [(name: String, text: String)] {
        [("crossover.csv", csv), ("crossover.txt", text), ("crossover.svg", svg)]
    }
}
