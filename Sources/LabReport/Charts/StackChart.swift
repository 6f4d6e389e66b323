/// `stack.svg`: per workload, one bar per parallel cell from its ideal time (the sequential
/// time over the workers, grey) on through the parts of its gap that lost time, each in its
/// colour, to a mark at the measured time; parts that gained time are named beside the bar.
/// The same SVG 1.1 as `chart.svg`.
package struct StackChart {
    static let width = 860.0
    static let right = 40.0
    static let barHeight = 16.0
    static let gap = 8.0

    /// Each part's colour.
    static func colour(of part: String) -> String {
        switch part {
        case "startup": "#9467bd"
        case "bytes": "#d62728"
        case "handouts": "#ff9896"
        case "idle": "#ff7f0e"
        case "waiting": "#8c564b"
        case "faults": "#17becf"
        case "task_slowdown": "#1f77b4"
        case "teardown": "#e377c2"
        default: "#bcbd22"
        }
    }

    package init() {}

    /// The chart of `stacks`, or `nil` when there are none (a run without parallel cells or
    /// without a breakdown).
    package func render(_ stacks: [SpeedupStack]) -> String? {
        guard !stacks.isEmpty else { return nil }
        let left = max(130, Double(stacks.map(\.label.count).max() ?? 0) * 7 + 18)
        var groups: [[SpeedupStack]] = []
        for stack in stacks {
            if let index = groups.firstIndex(where: {
                $0[0].workload == stack.workload && $0[0].parameters == stack.parameters && $0[0].tasks == stack.tasks
            }) {
                groups[index].append(stack)
            } else {
                groups.append([stack])
            }
        }
        var body = ""
        var y = 66.0
        for group in groups {
            body += panel(group, top: y, left: left)
            y += 30 + Double(group.count) * (Self.barHeight + Self.gap) + 18
        }
        var text = SvgChart.opening(width: Self.width, height: y + 8)
        var x = 10.0
        text +=
            "<rect x=\"\(SvgChart.number(x))\" y=\"12\" width=\"12\" height=\"12\" fill=\"#c7c7c7\"/><text "
            + "x=\"\(SvgChart.number(x + 16))\" y=\"22\">ideal</text>\n"
        x += 60
        for (part, words) in SpeedupStack.partWords {
            let width = Double(words.count) * 6.6 + 30
            if x + width > Self.width { break }
            text +=
                "<rect x=\"\(SvgChart.number(x))\" y=\"12\" width=\"12\" height=\"12\" "
                + "fill=\"\(Self.colour(of: part))\"/>"
            text += "<text x=\"\(SvgChart.number(x + 16))\" y=\"22\">\(words)</text>\n"
            x += width
        }
        text +=
            "<text x=\"10\" y=\"44\" fill=\"#555555\">why not the ideal speedup: the ideal time (sequential over the "
            + "workers), then what each part added, to the measured median (black mark)</text>\n"
        return text + body + "</svg>\n"
    }

    private func panel(_ stacks: [SpeedupStack], top: Double, left: Double) -> String {
        let first = stacks[0]
        let plotWidth = Self.width - left - Self.right - 150
        let longest = stacks.map { $0.idealSeconds + $0.parts.map { max(0, $0.seconds) }.reduce(0, +) }.max() ?? 0
        let scale = longest > 0 ? plotWidth / longest : 0
        var text = SvgChart.panelHeading(
            first.workload, setting: "\(first.parameters) tasks=\(first.tasks)", top: top, settingX: left)
        var y = top + 24
        for stack in stacks {
            text += SvgChart.rowLabel(stack.label, right: left - 8, y: y)
            var x = left
            let ideal = stack.idealSeconds * scale
            text +=
                "<rect x=\"\(SvgChart.number(x))\" y=\"\(SvgChart.number(y))\" width=\"\(SvgChart.number(ideal))\" "
                + "height=\"\(SvgChart.number(Self.barHeight))\" fill=\"#c7c7c7\"/>"
            x += ideal
            for part in stack.parts where part.seconds > 0 {
                let width = part.seconds * scale
                text +=
                    "<rect x=\"\(SvgChart.number(x))\" y=\"\(SvgChart.number(y))\" width=\"\(SvgChart.number(width))\" "
                    + "height=\"\(SvgChart.number(Self.barHeight))\" fill=\"\(Self.colour(of: part.name))\">"
                text +=
                    "<title>\(SvgChart.escape(stack.words(for: part.name))): "
                    + "\(NumberFormatting.duration(part.seconds)), "
                    + "\(NumberFormatting.fixed(part.lostSpeedup, decimals: 2))x</title></rect>"
                x += width
            }
            let measured = left + stack.measuredSeconds * scale
            text +=
                "<line x1=\"\(SvgChart.number(measured))\" y1=\"\(SvgChart.number(y - 3))\" "
                + "x2=\"\(SvgChart.number(measured))\" y2=\"\(SvgChart.number(y + Self.barHeight + 3))\" "
                + "stroke=\"#000000\" stroke-width=\"2\"/>"
            var note =
                "\(NumberFormatting.fixed(stack.achievedSpeedup, decimals: 2))x of "
                + "\(NumberFormatting.fixed(stack.idealSpeedup, decimals: 2))x"
            let gained = stack.parts.filter { $0.seconds < 0 }.map(\.seconds).reduce(0, +)
            if gained < 0 { note += ", \(NumberFormatting.duration(-gained)) gained" }
            text +=
                "<text x=\"\(SvgChart.number(max(x, measured) + 6))\" y=\"\(SvgChart.number(y + 12))\" "
                + "fill=\"#555555\">\(note)</text>\n"
            y += Self.barHeight + Self.gap
        }
        return text
    }
}
