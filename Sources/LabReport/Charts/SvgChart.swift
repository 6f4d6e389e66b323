import LabCore

/// `chart.svg`: per workload, one horizontal bar per cell (median wall time) with an error
/// bar for the 95% confidence interval of the mean, an axis in seconds and a legend. Plain
/// SVG 1.1 with no script or external resource, so browsers and code-hosting sites show it.
package struct SvgChart {
    static let width = 760.0
    static let left = 130.0
    static let right = 130.0
    static let barHeight = 16.0
    static let gap = 6.0

    /// Each mode's colour in every SVG the lab draws; exhaustive, so a new mode must get one.
    package static func colour(of mode: ExecutionMode) -> String {
        switch mode {
        case .sequential: "#7f7f7f"
        case .threads: "#1f77b4"
        case .processes: "#d62728"
        case .async: "#2ca02c"
        }
    }

    package init() {}

    package func render(_ summaries: [CellSummary]) -> String {
        let panels = CellSummary.byWorkload(summaries)
        // Long labels (`processes x2 over socketpair`) widen the left margin, and the
        // picture with it, so that the plot keeps its width: 12 px text is about 7 px a
        // character.
        let left = max(SvgChart.left, Double(summaries.map(\.label.count).max() ?? 0) * 7 + 18)
        var body = ""
        var y = 52.0
        for panel in panels {
            body += renderPanel(panel, top: y, left: left)
            y += 46 + Double(panel.count) * (SvgChart.barHeight + SvgChart.gap) + 24
        }
        let height = y + 10
        var text = SvgChart.opening(width: SvgChart.width + left - SvgChart.left, height: height)
        text += legend(left: left)
        return text + body + "</svg>\n"
    }

    private func legend(left: Double) -> String {
        var text = ""
        var x = left
        for mode in ExecutionMode.allCases {
            text +=
                "<rect x=\"\(format(x))\" y=\"12\" width=\"12\" height=\"12\" fill=\"\(SvgChart.colour(of: mode))\"/>"
            text += "<text x=\"\(format(x + 16))\" y=\"22\">\(mode.rawValue)</text>\n"
            x += 100
        }
        return text
            + "<text x=\"\(format(left))\" y=\"40\" fill=\"#555555\">bars: median wall time; whiskers: 95% confidence "
            + "interval of the mean; speedup against sequential</text>\n"
    }

    private func renderPanel(_ cells: [CellSummary], top: Double, left: Double) -> String {
        let first = cells[0]
        let plotWidth = SvgChart.width - left - SvgChart.right
        let longest =
            cells.compactMap { [$0.wallMedian, $0.wallConfidence?.upperBound].compactMap { $0 }.max() }.max() ?? 0
        let scale = longest > 0 ? plotWidth / longest : 0
        var text = SvgChart.panelHeading(
            "\(first.workload) (\(first.kind.rawValue))", setting: "\(first.parameters) tasks=\(first.tasks)", top: top,
            settingX: left + 140)
        var y = top + 22
        for cell in cells {
            text += SvgChart.rowLabel(cell.label, right: left - 8, y: y)
            if let median = cell.wallMedian {
                let length = max(median * scale, 1)
                // The label starts after whichever ends later, the bar or its whisker.
                let labelX = left + max(length, (cell.wallConfidence?.upperBound ?? 0) * scale) + 6
                text +=
                    "<rect x=\"\(format(left))\" y=\"\(format(y))\" width=\"\(format(length))\" "
                    + "height=\"\(format(SvgChart.barHeight))\" fill=\"\(SvgChart.colour(of: cell.mode))\"/>"
                if let interval = cell.wallConfidence {
                    let low = left + max(interval.lowerBound, 0) * scale
                    let high = left + interval.upperBound * scale
                    let middle = y + SvgChart.barHeight / 2
                    text +=
                        "<path d=\"M\(format(low)) \(format(middle))H\(format(high))M\(format(low)) "
                        + "\(format(y + 3))V\(format(y + 13))M\(format(high)) \(format(y + 3))V\(format(y + 13))\" "
                        + "stroke=\"#000000\" fill=\"none\"/>"
                }
                let speedup = cell.speedup.map { "  " + NumberFormatting.fixed($0, decimals: 2) + "x" } ?? ""
                text +=
                    "<text x=\"\(format(labelX))\" "
                    + "y=\"\(format(y + 12))\">\(NumberFormatting.duration(median))\(speedup)</text>"
            } else {
                text +=
                    "<text x=\"\(format(left + 6))\" y=\"\(format(y + 12))\" "
                    + "fill=\"\(cell.unavailableReason == nil ? "#d62728" : "#7f7f7f")\">"
                    + "\(cell.missingMedianText)</text>"
            }
            text += "\n"
            y += SvgChart.barHeight + SvgChart.gap
        }
        // The axis: zero and the longest value, in seconds.
        text += "<path d=\"M\(format(left)) \(format(y))H\(format(left + plotWidth))\" stroke=\"#555555\"/>"
        text += "<text x=\"\(format(left))\" y=\"\(format(y + 14))\" text-anchor=\"middle\" fill=\"#555555\">0</text>"
        text +=
            "<text x=\"\(format(left + plotWidth))\" y=\"\(format(y + 14))\" text-anchor=\"middle\" "
            + "fill=\"#555555\">\(NumberFormatting.duration(longest))</text>"
        text +=
            "<text x=\"\(format(left + plotWidth / 2))\" y=\"\(format(y + 14))\" text-anchor=\"middle\" "
            + "fill=\"#555555\">wall time (s)</text>\n"
        return text
    }

    private func format(_ value: Double) -> String {
        SvgChart.number(value)
    }

    private func escape(_ text: String) -> String {
        SvgChart.escape(text)
    }

    /// A coordinate or length as every SVG of the lab writes it: one decimal.
    package static func number(_ value: Double) -> String {
        NumberFormatting.fixed(value, decimals: 1)
    }

    /// `text` made safe inside an SVG (XML) element or attribute: control characters (which
    /// XML forbids) shown as escapes, and XML's own characters as entities.
    package static func escape(_ text: String) -> String {
        text.shownInMessage.replacingAll("&", with: "&amp;").replacingAll("<", with: "&lt;").replacingAll(
            ">", with: "&gt;"
        ).replacingAll("\"", with: "&quot;")
    }

    /// A panel's heading: its workload in bold at the left, its setting in grey at `settingX`.
    package static func panelHeading(_ title: String, setting: String, top: Double, settingX: Double) -> String {
        "<text x=\"10\" y=\"\(number(top + 12))\" font-weight=\"bold\">\(escape(title))</text>"
            + "<text x=\"\(number(settingX))\" y=\"\(number(top + 12))\" fill=\"#555555\">\(escape(setting))</text>\n"
    }

    /// A bar's label, ending at `right`.
    package static func rowLabel(_ label: String, right: Double, y: Double) -> String {
        "<text x=\"\(number(right))\" y=\"\(number(y + 12))\" text-anchor=\"end\">\(escape(label))</text>"
    }

    /// The opening of every SVG the lab draws: its size, font and a white background.
    package static func opening(width: Double, height: Double) -> String {
        var text = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(number(width))\" height=\"\(number(height))\""
        text += " viewBox=\"0 0 \(number(width)) \(number(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        return text + "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
    }
}
