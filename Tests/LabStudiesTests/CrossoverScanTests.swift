import LabCore
import LabReport
import Testing

@testable import LabStudies

/// The scan's search, with made-up points: no measuring.
@Suite struct CrossoverScanTests {
    /// Sequential takes `size` ms; threads have a fixed cost of 100 ms and halve the work;
    /// processes cost 400 ms and halve it: threads win from 200, processes from 800, and
    /// processes come within 10% of threads only where the fixed costs no longer matter.
    static func point(_ size: Int, phase: String) -> CrossoverPoint {
        let work = Double(size) / 1000
        return CrossoverPoint(
            size: size, tasks: 8, sequentialSeconds: work, threadsSeconds: 0.1 + work / 2,
            processesSeconds: 0.4 + work / 2, phase: phase, records: [])
    }

    @Test("doubles from --from to --to, bisects each bracket, and measures each size once")
    func search() throws {
        var asked: [(Int, String)] = []
        let scan = CrossoverScan(sizes: 100...1600, bisections: 2, tolerance: 0.1)
        let (points, findings) = scan.run { size, phase in
            asked.append((size, phase))
            return Self.point(size, phase: phase)
        }
        #expect(scan.doublingSizes == [100, 200, 400, 800, 1600])
        #expect(asked.prefix(5).map(\.0) == [100, 200, 400, 800, 1600])
        #expect(asked.prefix(5).allSatisfy { $0.1 == "doubling" })
        #expect(asked.dropFirst(5).allSatisfy { $0.1 == "bisecting" })
        #expect(Set(asked.map(\.0)).count == asked.count, "a size was measured twice: \(asked)")
        #expect(points.map(\.size) == points.map(\.size).sorted())
        let threads = try #require(findings.first { $0.crossing == .threadsBeatSequential })
        // Threads beat sequential where size > 100 + size/2, that is above 200: the bracket
        // 200...400 is bisected at 283 (holds) and 238 (holds).
        #expect(threads.location == .between(below: 200, size: 238))
        let processes = try #require(findings.first { $0.crossing == .processesBeatSequential })
        // Processes beat sequential above 800: 800...1600 is bisected at 1131 and 951.
        #expect(processes.location == .between(below: 800, size: 951))
        let catchUp = try #require(findings.first { $0.crossing == .processesCatchThreads })
        #expect(catchUp.location == .never(upTo: 1600))
    }

    @Test("a crossing that holds at the first size is found there, without bisections")
    func fromTheStart() {
        let scan = CrossoverScan(sizes: 1000...4000, bisections: 3, tolerance: 0.1)
        var count = 0
        let (_, findings) = scan.run { size, phase in
            count += 1
            return Self.point(size, phase: phase)
        }
        #expect(findings.first { $0.crossing == .threadsBeatSequential }?.location == .fromTheStart(size: 1000))
        #expect(count >= 3)
    }

    @Test("a failed measurement stops the scan and reaches the caller")
    func failure() {
        struct Refused: Error {}
        let scan = CrossoverScan(sizes: 1...8, bisections: 1, tolerance: 0.1)
        var sizes: [Int] = []
        #expect(throws: Refused.self) {
            _ = try scan.run { size, phase in
                sizes.append(size)
                if size == 4 { throw Refused() }
                return Self.point(size, phase: phase)
            }
        }
        #expect(sizes == [1, 2, 4])
    }
}
