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

    package init(workload: String, parameter: ParameterSpec, workers: Int, tolerance: Double, points: [CrossoverPoint], findings: [CrossoverFinding]) {
        self.workload = workload
        self.parameter = parameter
        self.workers = workers
        self.tolerance = tolerance
        self.points = points.sorted { $0.size < $1.size }
        self.findings = findings
    }

    /// `limit (count)`, or the bare name for a unitless parameter.
    var sizeLabel: String {
        parameter.unit.isEmpty ? parameter.name : "\(parameter.name) (\(parameter.unit))"
    }

    /// The curve, one row per size: medians and ratios, units in every column name.
    package var csv: String {
        let unit = parameter.unit.isEmpty ? "" : "_" + parameter.unit
        let header = [
            "\(parameter.name)\(unit)", "tasks", "workers", "sequential_median_s", "threads_median_s", "processes_median_s",
            "threads_speedup_x", "processes_speedup_x", "processes_over_threads_x", "phase",
        ]
        let rows = points.map { point in
            [
                String(point.size), String(point.tasks), String(workers), NumberFormatting.fixed(point.sequentialSeconds, decimals: 6),
                NumberFormatting.fixed(point.threadsSeconds, decimals: 6), NumberFormatting.fixed(point.processesSeconds, decimals: 6),
                NumberFormatting.fixed(point.threadsSpeedup, decimals: 3), NumberFormatting.fixed(point.processesSpeedup, decimals: 3),
                NumberFormatting.fixed(point.processesOverThreads, decimals: 3), point.phase,
            ]
        }
        return CSV.record(header) + rows.map(CSV.record).joined()
    }

    /// The findings, one sentence each.
    package var findingsText: String {
        findings.map { finding in
            let what = finding.crossing == .processesCatchThreads
                ? "processes within \(NumberFormatting.fixed(tolerance * 100, decimals: 0))% of threads" : finding.crossing.rawValue
            switch finding.location {
            case .between(let below, let size):
                return "\(what) from \(parameter.name) = \(size) (not yet at \(below))\n"
            case .fromTheStart(let size):
                return "\(what) already at the smallest size, \(parameter.name) = \(size)\n"
            case .never(let upTo):
                let last = points.last.map { point in
                    finding.crossing == .processesCatchThreads
                        ? "; there processes take \(NumberFormatting.fixed(point.processesOverThreads, decimals: 2))x the threads' time"
                        : "; there the speedup is \(NumberFormatting.fixed(finding.crossing == .threadsBeatSequential ? point.threadsSpeedup : point.processesSpeedup, decimals: 2))x"
                } ?? ""
                return "\(what): not up to \(parameter.name) = \(upTo)\(last)\n"
            }
        }.joined()
    }

    /// Speedup over sequential per size, a bar per mode, `|` marking 1.00x.
    package var asciiChart: String {
        let barWidth = 36
        let largest = max(points.flatMap { [$0.threadsSpeedup, $0.processesSpeedup] }.filter(\.isFinite).max() ?? 1, 1)
        let one = Int((1 / largest * Double(barWidth)).rounded())
        let sizeWidth = max(points.map { String($0.size).count }.max() ?? 0, parameter.name.count)
        var text = "\(workload): speedup over sequential by \(sizeLabel), \(workers) workers ('|' marks 1.00x)\n"
        for point in points {
            for (index, (mode, speedup)) in [("threads", point.threadsSpeedup), ("processes", point.processesSpeedup)].enumerated() {
                let size = index == 0 ? String(point.size) : ""
                var bar = Array(repeating: Character(" "), count: barWidth + 1)
                let filled = speedup.isFinite ? min(Int((speedup / largest * Double(barWidth)).rounded()), barWidth) : 0
                for column in 0..<filled { bar[column] = "#" }
                if one <= barWidth { bar[one] = "|" }
                let value = speedup.isFinite ? NumberFormatting.fixed(speedup, decimals: 2) + "x" : "failed"
                text += String(repeating: " ", count: sizeWidth - size.count) + size + "  " + mode + String(repeating: " ", count: 10 - mode.count)
                text += String(bar) + " " + value + "\n"
            }
        }
        return text
    }

    /// The curve as SVG: speedup over sequential against the size on a log scale, a line per
    /// mode, a dashed line at 1.00x.
    package var svg: String {
        let frame = PlotFrame(height: 400, right: 130)
        let (height, left, top, plotWidth, plotHeight) = (frame.height, frame.left, frame.top, frame.plotWidth, frame.plotHeight)
        let sizes = points.map { log2(Double(max($0.size, 1))) }
        let low = sizes.min() ?? 0, high = max(sizes.max() ?? 1, low + 1)
        let largest = max(points.flatMap { [$0.threadsSpeedup, $0.processesSpeedup] }.filter(\.isFinite).max() ?? 1, 1) * 1.1
        func x(_ size: Int) -> Double { left + (log2(Double(max(size, 1))) - low) / (high - low) * plotWidth }
        func y(_ speedup: Double) -> Double { top + plotHeight - speedup / largest * plotHeight }
        func number(_ value: Double) -> String { SvgChart.number(value) }
        var text = frame.opening(title: "\(workload): speedup over sequential, \(workers) workers")
        text += "<line x1=\"\(number(left))\" y1=\"\(number(y(1)))\" x2=\"\(number(left + plotWidth))\" y2=\"\(number(y(1)))\" stroke=\"#7f7f7f\" stroke-dasharray=\"4 3\"/>\n"
        text += "<text x=\"\(number(left - 6))\" y=\"\(number(y(1) + 4))\" text-anchor=\"end\">1.00x</text>\n"
        text += "<text x=\"\(number(left - 6))\" y=\"\(number(y(largest / 1.1) + 4))\" text-anchor=\"end\">\(NumberFormatting.fixed(largest / 1.1, decimals: 2))x</text>\n"
        // The ends of the scan, and the powers of ten between them that leave room for a label.
        var ticks = [points.first?.size, points.last?.size].compactMap { $0 }
        var decade = 10
        while decade < (points.last?.size ?? 0) {
            if let first = points.first?.size, decade > first, ticks.allSatisfy({ abs(x($0) - x(decade)) > 50 }) { ticks.append(decade) }
            decade = decade > Int.max / 10 ? Int.max : decade * 10
        }
        for size in ticks {
            text += "<line x1=\"\(number(x(size)))\" y1=\"\(number(top + plotHeight))\" x2=\"\(number(x(size)))\" y2=\"\(number(top + plotHeight + 5))\" stroke=\"#000000\"/>"
            text += "<text x=\"\(number(x(size)))\" y=\"\(number(top + plotHeight + 18))\" text-anchor=\"middle\">\(size)</text>\n"
        }
        text += "<text x=\"\(number(left - 6))\" y=\"\(number(y(0) + 4))\" text-anchor=\"end\">0</text>\n"
        // The two end labels, kept apart when the curves end close together.
        let ends = [points.last?.threadsSpeedup, points.last?.processesSpeedup].map { $0.flatMap { $0.isFinite ? y($0) : nil } }
        var labelY = ends.map { ($0 ?? 0) + 4 }
        if let threadsEnd = ends[0], let processesEnd = ends[1], abs(threadsEnd - processesEnd) < 14 {
            let middle = (threadsEnd + processesEnd) / 2
            let threadsAbove = threadsEnd <= processesEnd
            labelY = [middle + (threadsAbove ? -3 : 11), middle + (threadsAbove ? 11 : -3)]
        }
        text += "<text x=\"\(number(left + plotWidth / 2))\" y=\"\(number(height - 16))\" text-anchor=\"middle\">\(sizeLabel), log scale</text>\n"
        let curves: [(mode: ExecutionMode, speedup: KeyPath<CrossoverPoint, Double>)] = [
            (.threads, \.threadsSpeedup), (.processes, \.processesSpeedup),
        ]
        for (index, (mode, speedup)) in curves.enumerated() {
            let colour = SvgChart.colour(of: mode)
            let finite = points.filter { $0[keyPath: speedup].isFinite }
            let path = finite.map { "\(number(x($0.size))),\(number(y($0[keyPath: speedup])))" }.joined(separator: " ")
            text += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>\n"
            for point in finite {
                text += "<circle cx=\"\(number(x(point.size)))\" cy=\"\(number(y(point[keyPath: speedup])))\" r=\"3\" fill=\"\(colour)\"/>\n"
            }
            if let last = finite.last {
                let labelTop = last.size == points.last?.size ? labelY[index] : y(last[keyPath: speedup]) + 4
                text += "<text x=\"\(number(x(last.size) + 8))\" y=\"\(number(labelTop))\" fill=\"\(colour)\">\(mode.rawValue) \(NumberFormatting.fixed(last[keyPath: speedup], decimals: 2))x</text>\n"
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
