import LabCore

/// The repetition of a cell whose timeline is drawn: the one with the median wall time (the
/// lower of the two middle ones for an even count), among those that succeeded and have a
/// timeline.
package struct CellTimeline: Sendable {
    package var cell: CellSummary
    package var record: RepetitionRecord
    package var timeline: RecordedTimeline

    /// One per cell of `summaries` that has a timeline, in the summaries' order.
    package static func medians(
        of summaries: [CellSummary], records: [RepetitionRecord], timelines: [RepetitionKey: RecordedTimeline]
    ) -> [CellTimeline] {
        var byCell: [String: [RepetitionRecord]] = [:]
        for record in records where record.status == .ok && timelines[RepetitionKey(record)] != nil {
            byCell[RepetitionKey(record).cellKey, default: []].append(record)
        }
        return summaries.compactMap { cell in
            guard
                let candidates = byCell[cell.cellKey]?.sorted(by: {
                    ($0.wallSeconds, $0.repetition) < ($1.wallSeconds, $1.repetition)
                }),
                !candidates.isEmpty
            else { return nil }
            let record = candidates[(candidates.count - 1) / 2]
            return CellTimeline(cell: cell, record: record, timeline: timelines[RepetitionKey(record)]!)
        }
    }
}

/// `timeline-<workload>.svg`: the median repetition of each cell of one workload, one row per
/// lane (thread, worker, async slot), on one time axis so the cells compare at a glance. A
/// task is a bar in its mode's colour from its start to its end; the pale bar behind it runs
/// from its claim to its result, so what shows of it is the exchange (handing out, the pipe,
/// waking up); a batch whose bodies fill only part of its stretch is a thinner bar; blank is
/// idle. Start-up is shaded per lane; the teardown after the last result
/// is hatched grey.
package struct TimelineChart {
    static let width = 760.0
    static let left = 130.0
    static let right = 20.0
    static let laneHeight = 12.0
    static let laneGap = 3.0

    package init() {}

    package func render(_ cells: [CellTimeline]) -> String {
        guard let first = cells.first else { return "" }
        let plotWidth = TimelineChart.width - TimelineChart.left - TimelineChart.right
        let longest = cells.map { max($0.record.wallSeconds, $0.timeline.time(of: EventRow.poolGone) ?? 0) }.max() ?? 0
        let scale = longest > 0 ? plotWidth / longest : 0
        var body = ""
        var y = 66.0
        for cell in cells {
            body += panel(cell, top: y, scale: scale)
            y += 22 + Double(max(cell.timeline.laneCount, 1)) * (TimelineChart.laneHeight + TimelineChart.laneGap) + 8
        }
        body += axis(top: y, longest: longest, plotWidth: plotWidth)
        let height = y + 42
        var text = SvgChart.opening(width: TimelineChart.width, height: height)
        let title = "\(first.cell.workload): where the time went"
        text += "<text x=\"10\" y=\"18\" font-weight=\"bold\">\(escape(title))</text>"
        text +=
            "<text x=\"\(f(10 + Double(title.count) * 7.6 + 12))\" y=\"18\" "
            + "fill=\"#555555\">\(escape(first.cell.parameters)) tasks=\(first.cell.tasks); the median repetition "
            + "of each cell</text>\n"
        text += legend()
        return text + body + "</svg>\n"
    }

    private func legend() -> String {
        let items: [(fill: String, opacity: String, label: String)] = [
            ("#1f77b4", "1", "task running (mode colour)"),
            ("#1f77b4", "0.3", "exchange: claimed, not yet running or answered"),
            ("#f2c14e", "0.6", "start-up"), ("#999999", "0.5", "teardown"),
        ]
        var text = ""
        var x = 10.0
        for item in items {
            text +=
                "<rect x=\"\(f(x))\" y=\"30\" width=\"12\" height=\"10\" fill=\"\(item.fill)\" "
                + "fill-opacity=\"\(item.opacity)\"/>"
            text += "<text x=\"\(f(x + 16))\" y=\"39\" fill=\"#333333\">\(item.label)</text>"
            x += 16 + Double(item.label.count) * 6.3 + 14
        }
        return text
            + "<text x=\"10\" y=\"54\" fill=\"#555555\">blank: idle (nothing claimed); a batch of tasks claimed at "
            + "once is one bar</text>\n"
    }

    private func panel(_ cell: CellTimeline, top: Double, scale: Double) -> String {
        let timeline = cell.timeline
        let lanes = max(timeline.laneCount, 1)
        let x0 = TimelineChart.left
        var text = "<text x=\"10\" y=\"\(f(top + 12))\" font-weight=\"bold\">\(escape(cell.cell.label))</text>"
        // After the title, however long it is (`processes x2 over socketpair`): bold 12 px
        // text is about 7.5 px a character.
        let noteX = max(x0, 10 + Double(cell.cell.label.count) * 7.5 + 12)
        text +=
            "<text x=\"\(f(noteX))\" y=\"\(f(top + 12))\" fill=\"#555555\">repetition \(cell.record.repetition), wall "
            + "\(NumberFormatting.duration(cell.record.wallSeconds))</text>\n"
        let rowsTop = top + 20
        let colour = SvgChart.colour(of: cell.cell.mode)
        func laneY(_ lane: Int) -> Double {
            rowsTop + Double(lane) * (TimelineChart.laneHeight + TimelineChart.laneGap)
        }
        for lane in 0..<lanes {
            let y = laneY(lane)
            text +=
                "<text x=\"\(f(x0 - 6))\" y=\"\(f(y + 10))\" text-anchor=\"end\" font-size=\"10\" "
                + "fill=\"#555555\">\(cell.cell.mode.laneName(lane))</text>"
            // Start-up: until the lane could claim.
            if let ready = timeline.time(of: LaneEvent.Kind.laneReady.rawValue, lane: lane), ready > 0 {
                text += rect(x0, y, ready * scale, TimelineChart.laneHeight, "#f2c14e", opacity: "0.6")
            }
            let spans = timeline.spans.filter { $0.lane == lane }
            for bar in merged(spans.map { ($0.claimed, $0.received, 0) }, scale: scale) {
                text += rect(
                    x0 + bar.start * scale, y, max((bar.end - bar.start) * scale, 0.5), TimelineChart.laneHeight,
                    colour, opacity: "0.3")
            }
            // Bars closer than half a pixel are drawn as one; a bar's height is the share of
            // it that task bodies filled (a batch whose worker reads and answers between its
            // tasks, or thousands of tiny tasks with their hand-outs in between, is thin).
            for bar in merged(spans.map { ($0.started, $0.ended, $0.work) }, scale: scale) {
                let share = bar.end > bar.start ? min(bar.work / (bar.end - bar.start), 1) : 1
                let height = max((TimelineChart.laneHeight - 4) * (share >= 0.75 ? 1 : share), 1)
                text += rect(
                    x0 + bar.start * scale, y + TimelineChart.laneHeight / 2 - height / 2,
                    max((bar.end - bar.start) * scale, 0.5), height, colour,
                    opacity: "1")
            }
            // Past the span limit the lane's claims were counted, not kept: shown as such.
            if let cut = timeline.truncation(of: lane), cut.to > cut.from {
                text += rect(
                    x0 + cut.from * scale, y, (cut.to - cut.from) * scale, TimelineChart.laneHeight, colour,
                    opacity: "0.12")
                text +=
                    "<text x=\"\(f(x0 + (cut.from + cut.to) / 2 * scale))\" y=\"\(f(y + 10))\" text-anchor=\"middle\" "
                    + "font-size=\"9\" fill=\"#333333\">\(cut.all - cut.kept) more claims, not kept</text>"
            }
            text += "\n"
        }
        if let last = timeline.time(of: EventRow.lastResult), let gone = timeline.time(of: EventRow.poolGone),
            gone > last
        {
            let height = Double(lanes) * (TimelineChart.laneHeight + TimelineChart.laneGap) - TimelineChart.laneGap
            text +=
                rect(x0 + last * scale, rowsTop, max((gone - last) * scale, 0.5), height, "#999999", opacity: "0.5")
                + "\n"
        }
        return text
    }

    private func axis(top: Double, longest: Double, plotWidth: Double) -> String {
        let x0 = TimelineChart.left
        var text = "<path d=\"M\(f(x0)) \(f(top))H\(f(x0 + plotWidth))\" stroke=\"#555555\"/>"
        for step in 0...4 {
            let x = x0 + plotWidth * Double(step) / 4
            text += "<path d=\"M\(f(x)) \(f(top))V\(f(top + 4))\" stroke=\"#555555\"/>"
            text +=
                "<text x=\"\(f(x))\" y=\"\(f(top + 16))\" text-anchor=\"middle\" "
                + "fill=\"#555555\">\(NumberFormatting.duration(longest * Double(step) / 4))</text>"
        }
        return text
            + "<text x=\"\(f(x0 + plotWidth / 2))\" y=\"\(f(top + 32))\" text-anchor=\"middle\" fill=\"#555555\">time "
            + "since the cell began</text>\n"
    }

    /// Stretches (each with the task-body time it holds) sorted by start, with those less
    /// than half a pixel apart drawn as one holding their bodies together, so a lane of
    /// 20,000 tiny tasks is a few bars, not 20,000.
    func merged(
        _ stretches: [(start: Double, end: Double, work: Double)], scale: Double
    ) -> [(start: Double, end: Double, work: Double)] {
        var result: [(start: Double, end: Double, work: Double)] = []
        let gap = scale > 0 ? 0.5 / scale : 0
        for stretch in stretches.sorted(by: { $0.start < $1.start }) {
            if let last = result.last, stretch.start - last.end <= gap {
                result[result.count - 1].end = max(last.end, stretch.end)
                result[result.count - 1].work += stretch.work
            } else {
                result.append(stretch)
            }
        }
        return result
    }

    private func rect(
        _ x: Double, _ y: Double, _ width: Double, _ height: Double, _ fill: String, opacity: String
    ) -> String {
        "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"\(fill)\" "
            + "fill-opacity=\"\(opacity)\"/>"
    }

    private func f(_ value: Double) -> String {
        SvgChart.number(value)
    }

    private func escape(_ text: String) -> String {
        SvgChart.escape(text)
    }
}
