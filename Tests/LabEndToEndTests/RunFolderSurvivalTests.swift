import Foundation
import Glibc
import LabReport
import Testing

/// A run folder survives the real world: a disk that fills up while the lab writes, and the
/// line endings and byte-order mark a spreadsheet saves.
@Suite struct RunFolderSurvivalTests {
    /// Runs a system command to its end; its status.
    @discardableResult
    static func system(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Every file of `folder` whose name ends in `.csv`.
    static func csvFiles(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".csv") }.sorted()
    }

    @Test(
        "a run that fills its disk stops with the cause, leaves whole rows in every file, and its rows can still be reported and explained",
        .enabled(if: getuid() == 0))
    func fullDisk() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        // A 300 KiB file system of its own, which the timeline of 20,000 empty tasks fills.
        let disk = lab.folder + "/disk"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: false)
        #expect(try Self.system(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", disk]) == 0)
        defer { _ = try? Self.system(["umount", "-l", disk]) }
        let outcome = try lab.run([
            "run", "--workloads", "noop,primes", "--quick", "--repetitions", "3", "--warmup", "0", "--out", "disk/run",
            "--quiet",
        ])
        #expect(outcome.status == 1, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("No space left on device"), "\(outcome.standardError)")
        #expect(outcome.standardError.contains("the run stops here"), "\(outcome.standardError)")
        let folder = disk + "/run"
        // Every file it appended to ends with a whole row; no temporary file is left behind.
        for name in try Self.csvFiles(in: folder) {
            let bytes = try #require(FileManager.default.contents(atPath: folder + "/" + name))
            #expect(bytes.suffix(2) == Data("\r\n".utf8), "\(name) ends in half a row")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).allSatisfy { !$0.contains(".tmp-") })
        let description = try RunDescription.parse(String(contentsOfFile: folder + "/run.json", encoding: .utf8))
        #expect(description.partial)
        #expect(try lab.markedProcesses().isEmpty)
        // Elsewhere, with room to write, everything it measured is reported and explained.
        try FileManager.default.copyItem(atPath: folder, toPath: lab.folder + "/copy")
        let records = try RunFolder(path: lab.folder + "/copy").records()
        #expect(!records.isEmpty)
        let report = try lab.run(["report", "copy"])
        #expect(report.status == 0, "\(report.standardError)")
        #expect(report.standardError.isEmpty, "\(report.standardError)")
        #expect(try lab.run(["explain", "copy"]).status == 0)
    }

    @Test("a file cut in the middle of a row is read up to it, with one warning naming the file and the record")
    func cutFile() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "run", "--workloads", "primes", "--quick", "--repetitions", "3", "--warmup", "0", "--out", "run", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let whole = try RunFolder(path: lab.folder + "/run").records()
        // Cut results.csv and tasks.csv inside their last rows, as a full disk or a crash would.
        for name in ["results.csv", "tasks.csv"] {
            let path = lab.folder + "/run/" + name
            let bytes = try #require(FileManager.default.contents(atPath: path))
            try bytes.prefix(bytes.count - 7).write(to: URL(fileURLWithPath: path))
        }
        let records = try RunFolder(path: lab.folder + "/run").records()
        #expect(records == Array(whole.dropLast()))
        let explained = try lab.run(["explain", "run"])
        #expect(explained.status == 0, "\(explained.standardError)")
        let warnings = explained.standardError.split(separator: "\n")
        #expect(warnings.count == 2, "\(explained.standardError)")
        #expect(
            warnings.first?.hasPrefix("lab: warning: run/results.csv: record \(whole.count + 1) is cut short") == true,
            "\(explained.standardError)")
        #expect(
            warnings.last?.contains("run/tasks.csv: record ") == true
                && warnings.last?.contains("it was left out") == true)
        #expect(try lab.run(["report", "run"]).status == 0)
    }

    @Test(
        "every CSV the lab writes, saved with LF line ends or CRLF and a byte-order mark, reads back to the same summary"
    )
    func spreadsheetSave() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "run", "--workloads", "sleep,digest", "--quick", "--repetitions", "2", "--warmup", "0", "--out", "run",
            "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let original = try String(contentsOfFile: lab.folder + "/run/summary.csv", encoding: .utf8)
        for (name, change) in [
            ("lf", { (text: String) in text.replacingOccurrences(of: "\r\n", with: "\n") }),
            ("bom", { "\u{FEFF}" + $0 }),
        ] {
            try FileManager.default.copyItem(atPath: lab.folder + "/run", toPath: lab.folder + "/" + name)
            for file in ["results.csv", "tasks.csv", "lanes.csv"] {
                let path = lab.folder + "/\(name)/" + file
                try change(try String(contentsOfFile: path, encoding: .utf8)).write(
                    toFile: path, atomically: true, encoding: .utf8)
            }
            let report = try lab.run(["report", name])
            #expect(report.status == 0 && report.standardError.isEmpty, "\(name): \(report.standardError)")
            #expect(
                try String(contentsOfFile: lab.folder + "/\(name)/summary.csv", encoding: .utf8) == original, "\(name)")
        }
    }
}
