import Foundation
import Glibc
import LabCore
import LabReport
import Testing

/// Interrupting the lab, or killing it outright, leaves no worker behind.
@Suite struct SignalTests {
    /// A run whose two workers sleep far longer than any test waits.
    static func longRun(over transport: Transport) -> [String] {
        [
            "run", "--workloads", "sleep", "--modes", "processes", "--workers", "2", "--set", "sleep.seconds=60",
            "--tasks", "4",
            "--transport", transport.rawValue, "--repetitions", "1", "--warmup", "0", "--out", "run",
        ]
    }

    // An `shm` worker's region is an anonymous memory file: it has no name in any file
    // system and lives exactly as long as a process holds it. With the lab and its workers
    // gone (what these tests check), no shared-memory object can be left.

    @Test(
        "SIGINT and SIGTERM stop and reap the workers over every transport, keep results.csv whole and exit 128+signal",
        arguments: [SIGINT, SIGTERM], Transport.allCases)
    func interrupt(signal: Int32, transport: Transport) throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let started = try lab.start(Self.longRun(over: transport) + lab.givenCosts())
        let labID = started.process.processIdentifier
        let workersUp = try lab.wait(seconds: 20) { try lab.markedProcesses().filter { $0 != labID }.count == 2 }
        #expect(workersUp)
        kill(labID, signal)
        let outcome = try lab.finish(started)
        #expect(outcome.status == 128 + signal)
        #expect(outcome.standardError.contains("interrupted by"))
        #expect(try lab.wait(seconds: 5) { try lab.markedProcesses().isEmpty })
        let text = try String(contentsOfFile: lab.folder + "/run/results.csv", encoding: .utf8)
        #expect(text.hasPrefix("run_id,workload,"))
        #expect(text.hasSuffix("\r\n"))
        // The files of the finished cells are written and marked partial.
        let description = try RunDescription.parse(
            String(contentsOfFile: lab.folder + "/run/run.json", encoding: .utf8))
        #expect(description.partial)
        #expect(description.endedAt != nil)
        let report = try String(contentsOfFile: lab.folder + "/run/report.md", encoding: .utf8)
        #expect(report.contains("**Partial run**"))
        for name in ["summary.csv", "chart.txt", "chart.svg"] {
            #expect(FileManager.default.fileExists(atPath: lab.folder + "/run/" + name), "\(name)")
        }
    }

    @Test(
        "SIGINT stops a crossover scan: exit 130, the curve so far in crossover.csv, run.json marked partial, no worker left"
    )
    func interruptCrossover() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        // Sizes double from 1,000 spins to 10^9: the first points take milliseconds, the last
        // ones far longer than this test waits.
        let started = try lab.start([
            "crossover", "--workload", "fault", "--param", "spin", "--set", "fault.action=ok", "--from", "1000", "--to",
            "1000000000",
            "--repetitions", "1", "--bisections", "0", "--out", "cross", "--quiet",
        ])
        let labID = started.process.processIdentifier
        // Wait until the first size is measured in every mode (three rows), then interrupt.
        let firstPoint = lab.wait(seconds: 60) {
            let text = (try? String(contentsOfFile: lab.folder + "/cross/results.csv", encoding: .utf8)) ?? ""
            return text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count >= 4
        }
        #expect(firstPoint)
        kill(labID, SIGINT)
        let outcome = try lab.finish(started)
        #expect(outcome.status == 130, "\(outcome.standardError)")
        #expect(try lab.wait(seconds: 5) { try lab.markedProcesses().isEmpty })
        let description = try RunDescription.parse(
            String(contentsOfFile: lab.folder + "/cross/run.json", encoding: .utf8))
        #expect(description.partial)
        let curve = try CSV.parse(String(contentsOfFile: lab.folder + "/cross/crossover.csv", encoding: .utf8))
        #expect(curve.count >= 2, "\(curve)")
        #expect(curve.dropFirst().first?.first == "1000", "\(curve)")
        for name in ["crossover.txt", "crossover.svg", "summary.csv"] {
            #expect(FileManager.default.fileExists(atPath: lab.folder + "/cross/" + name), "\(name)")
        }
    }

    @Test(
        "workers exit by themselves over every transport when the coordinator is killed with SIGKILL",
        arguments: Transport.allCases)
    func coordinatorKilled(transport: Transport) throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let started = try lab.start(Self.longRun(over: transport) + lab.givenCosts())
        let labID = started.process.processIdentifier
        #expect(try lab.wait(seconds: 20) { try lab.markedProcesses().filter { $0 != labID }.count == 2 })
        kill(labID, SIGKILL)
        _ = try lab.finish(started)
        // PR_SET_PDEATHSIG: the kernel kills them when their parent dies; within a second.
        #expect(try lab.wait(seconds: 1) { try lab.markedProcesses().isEmpty })
    }

    @Test(
        "SIGINT at start-up, before any worker is ready, leaves nothing behind over every transport and exits 130",
        arguments: Transport.allCases)
    func interruptAtStartup(transport: Transport) throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let started = try lab.start(Self.longRun(over: transport) + lab.givenCosts())
        // As soon as the lab has installed its handlers (its "lab: run ..." line comes right
        // after), whatever its workers are doing.
        #expect(
            lab.wait(seconds: 20) {
                ((try? String(contentsOf: started.error, encoding: .utf8)) ?? "").contains("lab: run ")
            })
        kill(started.process.processIdentifier, SIGINT)
        let outcome = try lab.finish(started)
        #expect(outcome.status == 130)
        #expect(try lab.wait(seconds: 1) { try lab.markedProcesses().isEmpty })
        let text = try String(contentsOfFile: lab.folder + "/run/results.csv", encoding: .utf8)
        #expect(try CSV.parse(text).count >= 1)
    }

    @Test(
        "a worker killed mid-run is a failed repetition with the cause over every transport, the run goes on, and the lab exits 1",
        arguments: Transport.allCases)
    func workerKilled(transport: Transport) throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let started = try lab.start(
            [
                "run", "--workloads", "sleep", "--modes", "processes,threads", "--workers", "2", "--set",
                "sleep.seconds=3", "--tasks", "2",
                "--transport", transport.rawValue, "--repetitions", "1", "--warmup", "0", "--out", "run", "--quiet",
            ] + lab.givenCosts())
        let labID = started.process.processIdentifier
        var victim: Int32?
        #expect(
            try lab.wait(seconds: 20) {
                victim = try lab.markedProcesses().first { $0 != labID }
                return victim != nil
            })
        kill(try #require(victim), SIGKILL)
        let outcome = try lab.finish(started)
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("1 of 2 repetitions failed"), "\(outcome.standardError)")
        let text = try String(contentsOfFile: lab.folder + "/run/results.csv", encoding: .utf8)
        let records = try ResultsFileReader.records(fromCSV: text)
        #expect(records.map(\.mode) == [.processes, .threads])
        #expect(records[0].status == .failed)
        #expect(records[0].checksum == nil)
        #expect(
            records[0].error?.contains("killed by signal 9 (SIGKILL)") == true,
            "\(String(describing: records[0].error))")
        // The killed worker never sent its report: the kernel's count gives the workers' CPU
        // time (it counts every reaped child); their peak, which only a report has, is empty, not 0.
        #expect(records[0].workersUserSeconds != nil && records[0].workersSystemSeconds != nil, "\(text)")
        #expect(records[0].workersMaxResidentKiB == nil && records[0].counters.workersMemory == nil, "\(text)")
        #expect(records[0].coordinatorMaxResidentKiB != nil)
        #expect(records[1].status == .ok)
        #expect(FileManager.default.fileExists(atPath: lab.folder + "/run/chart.txt"))
        #expect(try lab.markedProcesses().isEmpty)
    }
}
