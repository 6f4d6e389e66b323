import LabCore

/// The terminal chart: per workload, one horizontal bar per mode and worker count, with the
/// median wall time and the speedup against sequential. Plain ASCII, at most 80 columns.
package struct AsciiChart {
    package static let width = 80
    static let labelWidth = 14
    static let barWidth = 32

    package init() {}

    /// Renders the chart of these cells; workloads and cells appear in the order given.
    package func render(_ summaries: [CellSummary]) -> String {
        CellSummary.byWorkload(summaries).map(render(block:)).joined(separator: "\n")
    }

    /// One workload's block: a bar per cell, from its summary.
    func render(block cells: [CellSummary]) -> String {
        let first = cells[0]
        let longest = cells.compactMap(\.wallMedian).max() ?? 0
        var lines = [fit("\(first.workload) (\(first.kind.rawValue))  \(first.parameters)  tasks=\(first.tasks)")]
        let repetitions = cells.map { $0.succeeded + $0.failed }.max() ?? 0
        lines.append(
            fit(
                "  median wall time of \(repetitions) repetition\(repetitions == 1 ? "" : "s"); speedup = sequential / "
                    + "mode"
            ))
        // Long labels (`processes x2 over socketpair`) take their room from the bars, so that a
        // line stays within the width.
        let labelWidth = max(AsciiChart.labelWidth, cells.map(\.label.count).max() ?? 0)
        let barWidth = max(AsciiChart.barWidth - (labelWidth - AsciiChart.labelWidth), 10)
        for cell in cells {
            let label = cell.label.padded(to: labelWidth)
            let total = cell.succeeded + cell.failed
            guard let median = cell.wallMedian else {
                let why = cell.unavailableReason.map { "unavailable: \($0)" } ?? "failed (\(total) of \(total))"
                lines.append("  \(label) |" + "".padded(to: barWidth) + " " + why)
                continue
            }
            let length = longest > 0 ? Int((median / longest * Double(barWidth)).rounded()) : 0
            let drawn = String(repeating: "#", count: max(length, 1))
            let speedup = cell.speedup.map { NumberFormatting.fixed($0, decimals: 2) + "x" } ?? "-"
            var line =
                "  \(label) |" + drawn.padded(to: barWidth) + " " + NumberFormatting.duration(median).leftPadded(to: 9)
                + " " + speedup.leftPadded(to: 7)
            if cell.failed > 0 {
                line += " (\(cell.failed) failed)"
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func fit(_ text: String) -> String {
        text.count <= AsciiChart.width ? text : String(text.prefix(AsciiChart.width - 3)) + "..."
    }
}
