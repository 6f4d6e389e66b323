import LabCore

/// An ASCII timeline of one cell's median repetition: a row per lane, a column per slice of
/// time, each column showing what filled most of its slice.
package struct AsciiTimeline {
    package static let legend =
        "# task running   = exchange (claimed, not running)   s start-up   - teardown   ? past the kept spans   "
        + "(blank) idle"
    package let width: Int

    package init(width: Int = 64) {
        self.width = width
    }

    package func render(_ cell: CellTimeline) -> String {
        let timeline = cell.timeline
        let end = max(cell.record.wallSeconds, timeline.time(of: EventRow.poolGone) ?? 0)
        guard end > 0 else { return "" }
        let slice = end / Double(width)
        let last = timeline.time(of: EventRow.lastResult) ?? end
        var text =
            "\(cell.cell.workload) \(cell.cell.label), repetition \(cell.record.repetition), wall "
            + "\(NumberFormatting.duration(cell.record.wallSeconds)); a column is "
            + "\(NumberFormatting.duration(slice))\n"
        let names = (0..<max(timeline.laneCount, 1)).map { cell.cell.mode.laneName($0) }
        let nameWidth = names.map(\.count).max() ?? 0
        for (lane, name) in names.enumerated() {
            let spans = timeline.spans.filter { $0.lane == lane }
            let ready = timeline.time(of: LaneEvent.Kind.laneReady.rawValue, lane: lane) ?? 0
            let cut = timeline.truncation(of: lane)
            var row = ""
            for column in 0..<width {
                let low = Double(column) * slice
                let high = low + slice
                func overlap(_ start: Double, _ stop: Double) -> Double { max(0, min(stop, high) - max(start, low)) }
                // A batch's bodies fill only part of its start-to-end stretch (a worker reads
                // and answers between them): count that stretch at its density.
                let work = spans.reduce(0) { $0 + overlap($1.started, $1.ended) * $1.density }
                let busy = spans.reduce(0) { $0 + overlap($1.claimed, $1.received) }
                let unkept = cut.map { overlap($0.from, $0.to) } ?? 0
                let shares: [(Character, Double)] = [
                    ("#", work), ("=", busy - work), ("s", overlap(0, ready)), ("-", overlap(last, end)), ("?", unkept),
                ]
                let winner = shares.max { $0.1 < $1.1 }!
                row.append(winner.1 > slice * 0.25 ? winner.0 : " ")
            }
            text += "  " + name.padded(to: nameWidth) + " |" + row + "|\n"
        }
        return text
    }
}
