import Foundation
import LabCore
import Testing

@testable import LabReport

@Suite struct CrossoverReportTests {
    static let parameter = ParameterSpec(
        name: "limit", type: .integer(2...1_000_000), defaultValue: "1000", quickValue: "100", unit: "count",
        summary: "numbers tested")

    /// A scan with known medians: threads win from 200, processes from 400, and catch up at 800.
    static func point(_ size: Int, _ sequential: Double, _ threads: Double, _ processes: Double) -> CrossoverPoint {
        CrossoverPoint(
            size: size, tasks: 8, sequentialSeconds: sequential, threadsSeconds: threads, processesSeconds: processes,
            phase: "doubling", records: [])
    }

    static let report = CrossoverReport(
        workload: "primes", parameter: parameter, workers: 2, tolerance: 0.1,
        points: [point(800, 8, 4.2, 4.4), point(100, 1, 2, 20), point(200, 2, 1.5, 10), point(400, 4, 2.1, 3.5)],
        findings: [
            CrossoverFinding(crossing: .threadsBeatSequential, location: .between(below: 100, size: 200)),
            CrossoverFinding(crossing: .processesBeatSequential, location: .between(below: 200, size: 400)),
            CrossoverFinding(crossing: .processesCatchThreads, location: .never(upTo: 800)),
        ])

    @Test("the CSV has one row per size in order, units in the column names, ratios from the medians")
    func csv() throws {
        let rows = try CSV.parse(Self.report.csv)
        #expect(
            rows[0] == [
                "limit_count", "tasks", "workers", "sequential_median_s", "threads_median_s", "processes_median_s",
                "threads_speedup_x",
                "processes_speedup_x", "processes_over_threads_x", "phase",
            ])
        #expect(rows.dropFirst().map { $0[0] } == ["100", "200", "400", "800"])
        #expect(rows[1][6] == "0.500" && rows[1][7] == "0.050" && rows[1][8] == "10.000")
    }

    @Test("the findings say where each crossing is, and what is left where there is none")
    func findings() {
        #expect(
            Self.report.findingsText == """
                threads beat sequential from limit = 200 (not yet at 100)
                processes beat sequential from limit = 400 (not yet at 200)
                processes within 10% of threads: not up to limit = 800; there processes take 1.05x the threads' time

                """)
    }

    @Test("the ASCII chart has two bars per size and marks 1.00x")
    func ascii() {
        let lines = Self.report.asciiChart.split(separator: "\n")
        #expect(lines.count == 1 + 2 * 4)
        #expect(lines.dropFirst().allSatisfy { $0.contains("|") || $0.contains("#") })
        #expect(lines[1].hasPrefix("  100  threads") && lines[1].hasSuffix("0.50x"))
        #expect(lines[8].hasSuffix("1.82x"))
    }

    @Test("the SVG has a line per mode, and end labels apart when the curves end together")
    func svg() throws {
        let svg = Self.report.svg
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "<polyline").count == 3)
        let labelTops = try ["threads 1.90x", "processes 1.82x"].map { label in
            let line = try #require(svg.split(separator: "\n").first { $0.contains(">\(label)<") })
            let y = try #require(line.split(separator: "y=\"").dropFirst().first?.split(separator: "\"").first)
            return try #require(Double(y))
        }
        #expect(abs(labelTops[0] - labelTops[1]) >= 14)
    }
}
