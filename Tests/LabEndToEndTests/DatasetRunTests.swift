import Foundation
import LabCore
import LabReport
import Testing

/// `--dataset map`: the workers map the coordinator's dataset instead of building their own.
@Suite struct DatasetRunTests {
    @Test(
        "mapped and copied datasets do the same work, are cells of their own, and a mapped worker owns none of the dataset's pages"
    )
    func mapAgainstCopy() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let bytes = 16 << 20
        let outcome = try lab.run([
            "run", "--workloads", "bandwidth,slices", "--modes", "sequential,threads,processes", "--dataset",
            "copy,map", "--workers", "2",
            "--set", "bandwidth.bytes=\(bytes)", "--set", "slices.bytes=\(bytes)", "--repetitions", "2", "--warmup",
            "0", "--out", "run", "--quiet",
        ])
        // Exit 0: every cell's checksum agrees with sequential's.
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("processes x2, mapped"))
        #expect(try lab.markedProcesses().isEmpty)
        let records = try RunFolder(path: lab.folder + "/run").records()
        #expect(records.count == 2 * 4 * 2)
        for workload in ["bandwidth", "slices"] {
            let rows = records.filter { $0.workload == workload }
            #expect(Set(rows.map(\.checksum)).count == 1, "\(workload)")
            #expect(rows.allSatisfy { $0.datasetBytes == bytes })
            #expect(rows.filter { $0.mode != .processes }.allSatisfy { $0.dataset == nil })
            let copied = rows.filter { $0.dataset == .copy }
            let mapped = rows.filter { $0.dataset == .map }
            #expect(copied.count == 2 && mapped.count == 2)
            // Two workers' own copies are at least 2 x 16 MiB of unique pages; mapped ones share
            // the coordinator's pages and own none of them.
            let copiedUniques = copied.compactMap { record in record.counters.workersMemory.map(\.uniqueKiB) }
            let mappedUniques = mapped.compactMap { record in record.counters.workersMemory.map(\.uniqueKiB) }
            let copiedUnique = try #require(copiedUniques.min())
            let mappedUnique = try #require(mappedUniques.max())
            #expect(
                copiedUnique - mappedUnique > 2 * (bytes >> 10) * 3 / 4,
                "\(workload): copy \(copiedUnique) KiB, map \(mappedUnique) KiB")
        }
        // The summary keeps them apart, and lab report reads the folder back the same.
        let summary = try CSV.parse(String(contentsOfFile: lab.folder + "/run/summary.csv", encoding: .utf8))
        let datasetColumn = try #require(summary.first?.firstIndex(of: "dataset"))
        #expect(summary.dropFirst().map { $0[datasetColumn] }.filter { !$0.isEmpty } == ["copy", "map", "copy", "map"])
        let chart = try String(contentsOfFile: lab.folder + "/run/chart.txt", encoding: .utf8)
        #expect(try lab.run(["report", "run"]).status == 0)
        #expect(try String(contentsOfFile: lab.folder + "/run/chart.txt", encoding: .utf8) == chart)
        #expect(try RunFolder(path: lab.folder + "/run").timelines()?.count == records.count)
    }
}
