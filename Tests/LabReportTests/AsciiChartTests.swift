import LabCore
import Testing

@testable import LabReport

@Suite struct AsciiChartTests {
    let records = [
        sampleRecord(mode: .sequential, workers: 1, wall: 0.58),
        sampleRecord(mode: .sequential, workers: 1, wall: 0.62),
        sampleRecord(mode: .threads, wall: 0.29), sampleRecord(mode: .threads, wall: 0.31),
        sampleRecord(mode: .processes, wall: 0.4),
        sampleRecord(mode: .processes, wall: 0.2, status: .failed, error: "boom"),
    ]

    @Test("every line fits 80 columns and is plain ASCII")
    func fits() {
        let chart = AsciiChart().render(CellSummary.summarize(records))
        for line in chart.split(separator: "\n") {
            #expect(line.count <= 80, "\(line)")
            #expect(line.allSatisfy { $0.isASCII }, "\(line)")
        }
    }

    @Test(
        "a long label (a process cell over a socket pair) takes its room from the bars, in the ASCII chart and the SVG")
    func longLabels() throws {
        var overSockets = sampleRecord(mode: .processes, workers: 16, wall: 0.5)
        overSockets.transport = .socketpair
        let summaries = CellSummary.summarize(records + [overSockets])
        let lines = AsciiChart().render(summaries).split(separator: "\n").map(String.init)
        let long = try #require(lines.first { $0.hasPrefix("  processes x16 over socketpair |") })
        #expect(long.count <= 80, "\(long)")
        // Every bar starts in the same column.
        let bars = Set(
            lines.filter { $0.contains(" |") }.map { $0.distance(from: $0.startIndex, to: $0.firstIndex(of: "|")!) })
        #expect(bars.count == 1, "\(lines)")
        let svg = SvgChart().render(summaries)
        let plain = SvgChart().render(CellSummary.summarize(records))
        #expect(plain.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760.0\""))
        // 29 characters at about 7 px (221 px, against 130): the margin and the picture grow alike.
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"851.0\""), "\(svg.prefix(80))")
        #expect(
            svg.contains("<text x=\"213.0\" y=\"")
                && svg.contains("text-anchor=\"end\">processes x16 over socketpair</text>"))
    }

    @Test("one bar per cell with its median and speedup; failed repetitions are left out and counted")
    func bars() {
        let lines = AsciiChart().render(CellSummary.summarize(records)).split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("sleep (io)  seconds=0.3,0.2,0.1  tasks=3"))
        let sequential = lines.first { $0.hasPrefix("  sequential") }!
        let threads = lines.first { $0.hasPrefix("  threads x2") }!
        let processes = lines.first { $0.hasPrefix("  processes x2") }!
        #expect(sequential.contains("600 ms") && sequential.contains("1.00x"))
        #expect(threads.contains("300 ms") && threads.contains("2.00x"))
        #expect(processes.contains("400 ms") && processes.contains("1.50x") && processes.contains("(1 failed)"))
        // The longest median has the full bar; half the time, about half the bar.
        #expect(sequential.filter { $0 == "#" }.count == AsciiChart.barWidth)
        #expect(threads.filter { $0 == "#" }.count == AsciiChart.barWidth / 2)
    }

    @Test("a cell whose repetitions all failed says so, and a missing sequential gives no speedup")
    func failedCell() {
        let chart = AsciiChart().render(
            CellSummary.summarize([
                sampleRecord(mode: .threads, status: .failed, error: "x"), sampleRecord(mode: .processes, wall: 0.2),
            ]))
        #expect(chart.contains("failed (1 of 1)"))
        #expect(chart.contains("200 ms       -"))
    }

    @Test("workloads with different parameters get separate sections, in first-seen order")
    func sections() {
        var other = sampleRecord(mode: .sequential, workers: 1)
        other.parameters = "seconds=1"
        let chart = AsciiChart().render(CellSummary.summarize(records + [other]))
        #expect(chart.components(separatedBy: "sleep (io)").count == 3)
    }
}
