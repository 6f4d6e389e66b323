import Foundation
import Glibc
import LabReport
import Testing

/// One lab per folder: while `lab run` writes a folder, a `--resume` of it and a `lab report`
/// of it are refused at once by the writer's process number, with nothing written; the temps a
/// killed writer left are removed by the next one.
@Suite struct FolderLockTests {
    @Test(
        "a --resume and a report of a folder that a run is still writing are refused in one line naming the run's process; the run ends whole"
    )
    func secondWriter() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        // 40 repetitions of sleeps of 30, 20 and 10 ms on one thread: more than a second of writing.
        let first = try lab.start([
            "run", "--workloads", "sleep", "--modes", "sequential", "--quick", "--repetitions", "40", "--warmup", "0",
            "--out", "run", "--quiet",
        ])
        let folder = lab.folder + "/run"
        // The folder is the run's once its first row is in.
        #expect(
            lab.wait(seconds: 30) {
                ((try? String(contentsOfFile: folder + "/results.csv", encoding: .utf8)) ?? "").split(separator: "\r\n")
                    .count >= 2
            })
        let before = try Data(contentsOf: URL(fileURLWithPath: folder + "/run.json"))
        let pid = first.process.processIdentifier
        for arguments in [["run", "--resume", "run"], ["report", "run"]] {
            let second = try lab.run(arguments)
            #expect(second.status == 2, "\(arguments): \(second.standardError)")
            #expect(
                second.standardError.hasPrefix("lab: 'run' is being written by another lab (process \(pid), "),
                "\(second.standardError)")
            #expect(
                second.standardError.hasSuffix(
                    "); one lab writes a folder at a time: wait for it to end, then try again\n"))
            #expect(second.standardError.split(separator: "\n").count == 1)
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/summary.csv"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/run.json")) == before)
        let outcome = try lab.finish(first)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        // Every repetition once: nobody measured the same repetitions beside the run.
        let records = try RunFolder(path: folder).records()
        #expect(records.map(\.repetition) == Array(1...40))
        #expect(try lab.run(["report", "run"]).status == 0)
    }

    @Test("temporary files left by a writer killed between write and rename are removed by the next writer")
    func leftoverTemporaries() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let run = try lab.run([
            "run", "--workloads", "noop", "--modes", "sequential", "--quick", "--repetitions", "1", "--warmup", "0",
            "--out", "run", "--quiet",
        ])
        #expect(run.status == 0, "\(run.standardError)")
        let folder = lab.folder + "/run"
        // What lab 0.7.0 left (its temps were named by pid, and blocked the next write of that
        // pid) and what a newer one would.
        for name in ["report.md.tmp-1", "run.json.tmp-Ab3xYz"] {
            #expect(FileManager.default.createFile(atPath: folder + "/" + name, contents: Data("half".utf8)))
        }
        let report = try lab.run(["report", "run"])
        #expect(report.status == 0, "\(report.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).allSatisfy { !$0.contains(".tmp-") })
    }
}
