import Foundation
import LabCore
import Testing

@testable import LabReport

/// The committed reference run is data the docs embed: its derived files and the README's
/// blocks must be exactly what `lab report Results/reference` makes of it, or the docs have
/// drifted from the data (refresh them with Scripts/refresh-reference.sh).
@Suite struct ReferenceRunTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let folder = RunFolder(path: root.appendingPathComponent("Results/reference").path)

    @Test("the reference run's derived files are what lab report makes of its data")
    func derivedFiles() throws {
        let files = try Self.folder.derivedFiles().files
        // summary.csv, stack.csv, chart.txt, chart.svg, report.md, stack.svg, a timeline per
        // workload, trace.json.
        #expect(files.count == 6 + (try Self.folder.runDescription()).plan.workloads.count + 1)
        // trace.json (7 MB) is not committed: lab report makes it from tasks.csv and lanes.csv.
        for file in files where file.name != TraceFile.name {
            let committed = try String(contentsOfFile: Self.folder.path + "/" + file.name, encoding: .utf8)
            #expect(committed == file.text, "Results/reference/\(file.name) is stale; run Scripts/refresh-reference.sh")
        }
    }

    @Test("the reference run is a finished release-build run of the default plan")
    func finishedRelease() throws {
        let description = try Self.folder.runDescription()
        #expect(!description.partial)
        #expect(description.buildConfiguration == "release")
        #expect(description.plan.repetitions == 5 && description.plan.warmup == 1)
        #expect(description.plan.modes == ExecutionMode.allCases.map(\.rawValue))
        let records = try Self.folder.records()
        #expect(records.allSatisfy { $0.status == .ok })
    }

    @Test("the README's overview table is the reference run's")
    func readmeBlocks() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        for (name, text) in DocumentEmbedding.blocks(try Self.folder.derivedFiles()) where name == "overview" {
            let embedded = try #require(
                DocumentEmbedding.block(named: name, in: readme), "README lost its lab:\(name) block")
            #expect(embedded == text, "README's lab:\(name) block is stale; run Scripts/refresh-reference.sh")
        }
    }

    @Test(
        "embedding replaces only the marked blocks, fills a document with one of them, and refuses a document with none"
    )
    func embedding() throws {
        let document =
            "# Title\n<!-- lab:chart -->\nold\n<!-- /lab:chart -->\ntext\n<!-- lab:overview -->\n<!-- /lab:overview -->\nend\n"
        let updated = try DocumentEmbedding.embed(
            [("chart", "new chart\n"), ("overview", "| table |\n")], in: document)
        #expect(
            updated
                == "# Title\n<!-- lab:chart -->\nnew chart\n<!-- /lab:chart -->\ntext\n<!-- lab:overview -->\n| table |\n<!-- /lab:overview -->\nend\n"
        )
        let one = "a\n<!-- lab:overview -->\n<!-- /lab:overview -->\n"
        #expect(
            try DocumentEmbedding.embed([("chart", "c\n"), ("overview", "o\n")], in: one)
                == "a\n<!-- lab:overview -->\no\n<!-- /lab:overview -->\n")
        #expect(throws: DocumentEmbedding.Failure.missingMarkers("chart' or 'lab:overview")) {
            try DocumentEmbedding.embed([("chart", "x"), ("overview", "x")], in: "# nothing here\n")
        }
    }
}
