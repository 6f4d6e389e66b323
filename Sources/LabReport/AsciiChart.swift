import LabCore

/// The terminal chart: per workload, one horizontal bar per mode and worker count, with the
/// median wall time and the speedup against sequential. Plain ASCII, at most 80 columns.
public struct AsciiChart {
    /// One bar: a cell's median over its successful repetitions.
    struct Bar {
        let label: String
        let medianSeconds: Double?
        let succeeded: Int
        let repetitions: Int
    }

    public static let width = 80
    static let labelWidth = 14
    static let barWidth = 32

    public init() {}

    /// Renders the chart for `records`; workloads and cells appear in the order first seen.
    public func render(_ records: [RepetitionRecord]) -> String {
        var sections: [String] = []
        for group in groups(of: records) {
            sections.append(render(group: group))
        }
        return sections.joined(separator: "\n")
    }

    /// Records of one workload with one parameter set, in first-seen order.
    private func groups(of records: [RepetitionRecord]) -> [[RepetitionRecord]] {
        var order: [String] = []
        var byKey: [String: [RepetitionRecord]] = [:]
        for record in records {
            let key = record.workload + "\u{0}" + record.parameters + "\u{0}" + String(record.tasks)
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(record)
        }
        return order.map { byKey[$0]! }
    }

    private func render(group: [RepetitionRecord]) -> String {
        let first = group[0]
        var cellOrder: [String] = []
        var cells: [String: [RepetitionRecord]] = [:]
        for record in group {
            let label = record.mode.usesWorkers ? "\(record.mode.rawValue) x\(record.workers)" : record.mode.rawValue
            if cells[label] == nil { cellOrder.append(label) }
            cells[label, default: []].append(record)
        }
        let bars = cellOrder.map { label -> Bar in
            let records = cells[label]!
            let ok = records.filter { $0.status == .ok }
            return Bar(label: label, medianSeconds: Statistics.median(ok.map(\.wallSeconds)), succeeded: ok.count, repetitions: records.count)
        }
        let baseline = bars.first { $0.label == ExecutionMode.sequential.rawValue }?.medianSeconds
        let longest = bars.compactMap(\.medianSeconds).max() ?? 0

        var lines = [fit("\(first.workload) (\(first.kind.rawValue))  \(first.parameters)  tasks=\(first.tasks)")]
        let repetitions = bars.map(\.repetitions).max() ?? 0
        lines.append(fit("  median wall time of \(repetitions) repetition\(repetitions == 1 ? "" : "s"); speedup = sequential / mode"))
        for bar in bars {
            let label = pad(bar.label, to: AsciiChart.labelWidth)
            guard let median = bar.medianSeconds else {
                lines.append("  \(label) |" + pad("", to: AsciiChart.barWidth) + " failed (\(bar.repetitions) of \(bar.repetitions))")
                continue
            }
            let length = longest > 0 ? Int((median / longest * Double(AsciiChart.barWidth)).rounded()) : 0
            let drawn = String(repeating: "#", count: max(length, 1))
            let speedup = baseline.map { NumberFormatting.fixed($0 / median, decimals: 2) + "x" } ?? "-"
            var line = "  \(label) |" + pad(drawn, to: AsciiChart.barWidth) + " " + padLeft(NumberFormatting.duration(median), to: 9)
                + " " + padLeft(speedup, to: 7)
            if bar.succeeded < bar.repetitions {
                line += " (\(bar.repetitions - bar.succeeded) failed)"
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func fit(_ text: String) -> String {
        text.count <= AsciiChart.width ? text : String(text.prefix(AsciiChart.width - 3)) + "..."
    }

    private func pad(_ text: String, to width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private func padLeft(_ text: String, to width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
