import Foundation
import LabCore

/// `scale-stack.svg`: for each pooled mode of a scale, where the gap to linear speedup goes as
/// the workers grow: the speedup each part of the stack lost (``SpeedupStack``), stacked as
/// areas over the worker counts (log scale), the parts that lost above zero and the ones that
/// gained below it, with a line for the whole gap (the workers less the speedup reached).
package struct StackAreaChart {
    static let width = 760.0
    static let left = 70.0
    static let right = 190.0
    static let panelHeight = 190.0

    package init() {}

    /// The chart of `stacks` (one scale's: one workload setting, several worker counts), or
    /// `nil` when no mode has stacks at two counts or more (an area needs two).
    package func render(_ stacks: [SpeedupStack]) -> String? {
        var modes: [ExecutionMode] = []
        for stack in stacks where !modes.contains(stack.mode) { modes.append(stack.mode) }
        let panels = modes.map { mode in stacks.filter { $0.mode == mode }.sorted { $0.workers < $1.workers } }.filter {
            $0.count >= 2
        }
        guard let first = panels.first?.first else { return nil }
        let top = 40.0
        let height = top + Double(panels.count) * (Self.panelHeight + 30) + 10
        var text = SvgChart.opening(width: Self.width, height: height)
        text += SvgChart.panelHeading(
            first.workload, setting: "where the gap to linear speedup goes, by workers", top: 8, settingX: 120)
        for (index, panel) in panels.enumerated() {
            text += draw(panel, top: top + Double(index) * (Self.panelHeight + 30))
        }
        // The legend: each part's colour and words, top to bottom as stacked.
        for (index, part) in SpeedupStack.partWords.enumerated() {
            let y = top + 10 + Double(index) * 16
            text +=
                "<rect x=\"\(SvgChart.number(Self.width - Self.right + 20))\" y=\"\(SvgChart.number(y))\" width=\"10\" "
                + "height=\"10\" fill=\"\(StackChart.colour(of: part.part))\"/>"
            text +=
                "<text x=\"\(SvgChart.number(Self.width - Self.right + 36))\" "
                + "y=\"\(SvgChart.number(y + 9))\">\(SvgChart.escape(part.words))</text>\n"
        }
        return text + "</svg>\n"
    }

    /// One mode's panel: its stacks in worker order.
    private func draw(_ panel: [SpeedupStack], top: Double) -> String {
        let plotWidth = Self.width - Self.left - Self.right
        let low = log2(Double(panel[0].workers)), high = max(log2(Double(panel[panel.count - 1].workers)), low + 1)
        func x(_ workers: Int) -> Double { Self.left + (log2(Double(workers)) - low) / (high - low) * plotWidth }
        // Heights: the parts that lost, stacked up, and those that gained, stacked down.
        let lost = panel.map { $0.parts.reduce(0) { $0 + max($1.lostSpeedup, 0) } }
        let gained = panel.map { $0.parts.reduce(0) { $0 + min($1.lostSpeedup, 0) } }
        let upper = max(lost.max() ?? 0, 0.01), lower = min(gained.min() ?? 0, 0)
        let span = upper - lower
        func y(_ value: Double) -> Double { top + 20 + (upper - value) / span * (Self.panelHeight - 20) }
        var text =
            "<text x=\"10\" y=\"\(SvgChart.number(top + 12))\" "
            + "font-weight=\"bold\">\(SvgChart.escape(panel[0].mode.rawValue))</text>"
        text +=
            "<text x=\"\(SvgChart.number(Self.left))\" y=\"\(SvgChart.number(top + 12))\" fill=\"#555555\">speedup "
            + "lost (x), ideal less reached</text>\n"
        var below = [Double](repeating: 0, count: panel.count)
        var above = [Double](repeating: 0, count: panel.count)
        for name in SpeedupStack.partNames {
            let values = panel.map { stack in stack.parts.first { $0.name == name }?.lostSpeedup ?? 0 }
            for positive in [true, false] {
                let shares = values.map { positive ? max($0, 0) : min($0, 0) }
                guard shares.contains(where: { $0 != 0 }) else { continue }
                let base = positive ? above : below
                let end = zip(base, shares).map { $0 + $1 }
                let outline =
                    panel.indices.map { "\(SvgChart.number(x(panel[$0].workers))),\(SvgChart.number(y(end[$0])))" }
                    + panel.indices.reversed().map {
                        "\(SvgChart.number(x(panel[$0].workers))),\(SvgChart.number(y(base[$0])))"
                    }
                text +=
                    "<polygon points=\"\(outline.joined(separator: " "))\" fill=\"\(StackChart.colour(of: name))\" "
                    + "fill-opacity=\"0.8\"/>\n"
                if positive { above = end } else { below = end }
            }
        }
        // The axis at zero, the whole gap as a line, and the worker counts.
        text +=
            "<line x1=\"\(SvgChart.number(Self.left))\" y1=\"\(SvgChart.number(y(0)))\" "
            + "x2=\"\(SvgChart.number(Self.left + plotWidth))\" y2=\"\(SvgChart.number(y(0)))\" "
            + "stroke=\"#333333\"/>\n"
        let gap = panel.map {
            "\(SvgChart.number(x($0.workers))),\(SvgChart.number(y($0.idealSpeedup - $0.achievedSpeedup)))"
        }
        text +=
            "<polyline points=\"\(gap.joined(separator: " "))\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1.5\" "
            + "stroke-dasharray=\"4,3\"/>\n"
        for stack in panel {
            text +=
                "<text x=\"\(SvgChart.number(x(stack.workers)))\" "
                + "y=\"\(SvgChart.number(top + Self.panelHeight + 16))\" "
                + "text-anchor=\"middle\">x\(stack.workers)</text>"
        }
        text +=
            "<text x=\"\(SvgChart.number(Self.left - 6))\" y=\"\(SvgChart.number(y(upper) + 4))\" "
            + "text-anchor=\"end\">\(NumberFormatting.fixed(upper, decimals: 2))</text>"
        text +=
            "<text x=\"\(SvgChart.number(Self.left - 6))\" y=\"\(SvgChart.number(y(0) + 4))\" "
            + "text-anchor=\"end\">0</text>\n"
        return text
    }
}
