import Foundation
import Glibc
import Testing

/// A run folder from anyone, fed to `lab report` and `lab explain` as a user would: a hostile
/// name, a FIFO or a link where a file should be, control characters in a field. Each ends in
/// one line on standard error and exit 2, with nothing written, inside the folder or outside it.
@Suite struct HostileFolderTests {
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Results/reference").path

    /// A copy of the reference run's data files in `lab`'s folder, as `run`.
    func copyReference(_ lab: LabBinary) throws -> String {
        let run = lab.folder + "/run"
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: false)
        for name in ["results.csv", "run.json", "tasks.csv", "lanes.csv"] {
            try FileManager.default.copyItem(
                atPath: HostileFolderTests.reference + "/" + name, toPath: run + "/" + name)
        }
        return run
    }

    /// Every file below `folder`, by path, with its size.
    func listing(_ folder: String) -> [String: Int] {
        var files: [String: Int] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let name = enumerator?.nextObject() as? String {
            files[name] = (try? FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.size] as? Int) ?? -1
        }
        return files
    }

    @Test(
        "a workload named like a path ('x/../../../../elsewhere/pwned') is refused by name; no chart is written, inside the folder or outside it"
    )
    func pathInAName() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let run = try copyReference(lab)
        let hostile = "x/../../../../elsewhere/pwned"
        for name in ["results.csv", "tasks.csv", "lanes.csv"] {
            let text = try String(contentsOfFile: run + "/" + name, encoding: .utf8)
            let renamed = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                name == "results.csv"
                    ? line.replacingOccurrences(of: ",noop,", with: ",\(hostile),")
                    : (line.hasPrefix("noop,") ? hostile + line.dropFirst(4) : String(line))
            }
            try renamed.joined(separator: "\n").write(toFile: run + "/" + name, atomically: false, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: run + "/timeline-x", withIntermediateDirectories: false)
        let target = URL(fileURLWithPath: run + "/timeline-" + hostile + ".svg").standardized.path
        let before = listing(lab.folder)
        let outcome = try lab.run(["report", "run"])
        #expect(outcome.status == 2)
        #expect(
            outcome.standardError
                == "lab: invalid results file 'run/results.csv': record 2: workload name '\(hostile)' breaks the rule for names (lowercase letters, digits and dashes, starting with a letter or digit, at most 64 characters)\n"
        )
        #expect(!FileManager.default.fileExists(atPath: target), "\(target)")
        #expect(listing(lab.folder) == before)
    }

    @Test("a FIFO named results.csv is refused at once, not waited on")
    func fifo() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let run = try copyReference(lab)
        try FileManager.default.removeItem(atPath: run + "/results.csv")
        #expect(mkfifo(run + "/results.csv", 0o644) == 0)
        // No writer ever opens the FIFO: a reader that waited for one would hang here.
        let outcome = try lab.run(["report", "run"])
        #expect(outcome.status == 2)
        #expect(
            outcome.standardError
                == "lab: 'run/results.csv' is a FIFO, device or folder, not a plain file; a run folder's files are read only as plain files, never through a link\n"
        )
    }

    @Test("a symbolic link in place of a data file is refused, and its target is not read")
    func link() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let run = try copyReference(lab)
        try FileManager.default.moveItem(atPath: run + "/tasks.csv", toPath: lab.folder + "/elsewhere.csv")
        try FileManager.default.createSymbolicLink(
            atPath: run + "/tasks.csv", withDestinationPath: lab.folder + "/elsewhere.csv")
        let outcome = try lab.run(["explain", "run"])
        #expect(outcome.status == 2)
        #expect(
            outcome.standardError
                == "lab: 'run/tasks.csv' is a symbolic link, not a plain file; a run folder's files are read only as plain files, never through a link\n"
        )
    }

    @Test("control characters in a field reach neither the terminal nor report.md: they are shown as escapes")
    func controlCharacters() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let run = try copyReference(lab)
        let path = run + "/results.csv"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // The sleep rows' parameters carry an escape sequence that would clear a terminal, and markup.
        let hostile = "seconds=0.3\u{1B}[2J<script>`"
        try text.replacingOccurrences(of: "\"seconds=0.3,0.2,0.1\"", with: "\"\(hostile)\"").write(
            toFile: path, atomically: false, encoding: .utf8)
        let explained = try lab.run(["explain", "run", "--workload", "sleep"])
        #expect(explained.status == 0, "\(explained.standardError)")
        #expect(!explained.standardOutput.unicodeScalars.contains("\u{1B}"))
        #expect(explained.standardOutput.contains("seconds=0.3\\u{1b}[2J<script>`"))
        let reported = try lab.run(["report", "run"])
        #expect(reported.status == 0, "\(reported.standardError)")
        #expect(!reported.standardOutput.unicodeScalars.contains("\u{1B}"))
        let report = try String(contentsOfFile: run + "/report.md", encoding: .utf8)
        #expect(report.contains("Parameters: `` seconds=0.3\\u{1b}[2J<script>` ``"))
        let svg = try String(contentsOfFile: run + "/chart.svg", encoding: .utf8)
        #expect(svg.contains("seconds=0.3\\u{1b}[2J&lt;script&gt;`") && !svg.unicodeScalars.contains("\u{1B}"))
    }
}
