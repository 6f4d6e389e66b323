import Foundation
import Glibc
import LabCore
import LabReport
import Testing

/// A run that the rest of the machine disturbed says so, and the gate will not judge it.
@Suite struct DisturbanceTests {
    /// A busy loop in a child process of the test that ends by itself after `seconds` (bash's
    /// own clock: no signal involved, since a process started from a test's thread inherits
    /// that thread's blocked signals, SIGTERM and SIGALRM included); ``stop(_:)`` kills it.
    func startHog(seconds: Int) throws -> Process {
        let hog = Process()
        hog.executableURL = URL(fileURLWithPath: "/bin/bash")
        hog.arguments = ["-c", "while [ $SECONDS -lt \(seconds) ]; do :; done"]
        try hog.run()
        return hog
    }

    /// Kills a hog with SIGKILL, which no mask blocks, and reaps it.
    func stop(_ hog: Process) {
        kill(hog.processIdentifier, SIGKILL)
        hog.waitUntilExit()
    }

    @Test(
        "lanes that share one core are slower together: their repetitions are disturbed with that cause, and the gate does not call them the same"
    )
    func lanesOnOneCore() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let cpu = try #require(try Platform.allowedCPUs().first)
        let plan = [
            "run", "--workloads", "primes", "--modes", "sequential,threads", "--workers", "2", "--set",
            "primes.limit=600000", "--repetitions", "3", "--warmup", "0", "--quiet",
        ]
        // The same plan on every core the test may use, then with the lab held to one core:
        // two lanes taking turns on it, as two vCPUs that are one host core's hyperthreads do.
        let normal = try lab.run(plan + ["--out", "normal"])
        #expect(normal.status == 0, "\(normal.standardError)")
        let shared = try lab.finish(
            try lab.start(
                ["-c", String(cpu), LabBinary.path] + plan + ["--out", "shared"], executable: "/usr/bin/taskset"))
        #expect(shared.status == 0, "\(shared.standardError)")
        for record in try RunFolder(path: lab.folder + "/shared").records() where record.mode == .threads {
            let interference = try #require(record.counters.interference)
            #expect(
                interference.disturbed && interference.slowerTogether,
                "lanes \(interference.lanesTogether ?? 0)x together")
        }
        #expect(
            shared.standardError.contains("as slow together as alone (cores shared on the host, or slower together)"),
            "\(shared.standardError)")
        // Against the normal run the threads cell is disturbed, so the gate does not judge it
        // (1.74x slower, status 3, on a quiet machine; when the suite's other tests load the
        // machine, the normal run's lanes may be slower together too, and both sides say so,
        // or as slow as the shared run's: no slower cell, status 0).
        let gate = try lab.run(["compare", "normal", "shared", "--fail-if-slower", "5"])
        #expect([0, 1, 3, 4].contains(gate.status), "\(gate.standardOutput)")
        let threadsLine = gate.standardOutput.split(separator: "\n").first { $0.hasPrefix("primes threads x2") }
        #expect(threadsLine?.contains("disturbed: ") == true, "\(gate.standardOutput)")
        if let threadsLine, threadsLine.contains("(disturbed: 3 of 3 repetitions in the candidate)"),
            threadsLine.contains("x slower")
        {
            #expect(gate.status == 3, "\(gate.standardOutput)")
        }
        // A disturbed cell never fails the gate by itself: only the sequential cell could.
        let sequentialLine = gate.standardOutput.split(separator: "\n").first { $0.hasPrefix("primes sequential") }
        if gate.status == 1 { #expect(sequentialLine?.contains("x slower") == true, "\(gate.standardOutput)") }
    }

    @Test(
        "repetitions measured beside a busy loop the test started are marked disturbed; lab run says so and report.md and lab explain too"
    )
    func besideAHog() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        // A busy loop per core beside a sequential cell: together they take far more than the
        // rule's 10% of the cores' time (and whatever else the test suite runs counts as
        // others too). They end by themselves after 90 s should the test die first.
        let hogs = try (0..<Platform.activeProcessorCount).map { _ in try startHog(seconds: 90) }
        defer { hogs.forEach(stop) }
        let outcome = try lab.run([
            "run", "--workloads", "primes", "--modes", "sequential", "--set", "primes.limit=2000000", "--tasks", "4",
            "--repetitions", "3",
            "--warmup", "0", "--out", "busy", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let records = try RunFolder(path: lab.folder + "/busy").records()
        #expect(records.count == 3)
        for record in records {
            let interference = try #require(record.counters.interference)
            #expect(
                interference.disturbed, "others took \(interference.othersCPUSeconds) cpu-s in \(record.wallSeconds) s")
            #expect(interference.othersCPUSeconds > 0.1 * record.wallSeconds)
        }
        // Before the run, the machine check saw the load; after it, one line names the cell.
        #expect(outcome.standardError.contains("lab: warning: load: others used "), "\(outcome.standardError)")
        #expect(
            outcome.standardError.contains(
                "lab: warning: other processes or the hypervisor took CPU time, or the lanes ran slower together than alone, during 1 cell (primes sequential: 3 of 3 repetitions, up to "
            ), "\(outcome.standardError)")
        let summary = try CSV.parse(String(contentsOfFile: lab.folder + "/busy/summary.csv", encoding: .utf8))
        let column = try #require(summary[0].firstIndex(of: "disturbed"))
        #expect(summary[1][column] == "3")
        let report = try String(contentsOfFile: lab.folder + "/busy/report.md", encoding: .utf8)
        #expect(report.contains("- Disturbed: primes sequential: 3 of 3 repetitions"), "\(report)")
        #expect(report.contains("> **Machine check, load**: others used "), "\(report)")
        let explained = try lab.run(["explain", "busy"])
        #expect(
            explained.standardOutput.contains(
                "  Disturbed: 3 of 3 repetitions of sequential shared the machine with other work"),
            "\(explained.standardOutput)")
        let check = try lab.run(["check", "--seconds", "0.5"])
        #expect(check.status == 0)
        #expect(check.standardOutput.contains("  warning  load "), "\(check.standardOutput)")
    }

    /// Rewrites a run's results.csv: every wall time times `factor`, the disturbed column set.
    func rewrite(_ path: String, wallTimes factor: Double, disturbed: Bool) throws {
        let file = path + "/results.csv"
        var rows = try CSV.parse(String(contentsOfFile: file, encoding: .utf8))
        let wall = try #require(rows[0].firstIndex(of: "wall_s"))
        let flag = try #require(rows[0].firstIndex(of: "disturbed"))
        for index in rows.indices.dropFirst() {
            rows[index][wall] = NumberFormatting.fixed(Double(rows[index][wall])! * factor, decimals: 6)
            rows[index][flag] = disturbed ? "1" : "0"
        }
        try rows.map(CSV.record).joined().write(toFile: file, atomically: true, encoding: .utf8)
    }

    @Test("the gate fails a slower cell with 1, but names a disturbed one and exits 3 when nothing else fails")
    func gateRefusesDisturbedCells() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        for name in ["base", "slow"] {
            let outcome = try lab.run([
                "run", "--quick", "--workloads", "sleep", "--modes", "sequential", "--repetitions", "5", "--warmup",
                "0", "--out", name, "--quiet",
            ])
            #expect(outcome.status == 0, "\(outcome.standardError)")
        }
        // The same run made twice as slow: the gate must fail it, unless it was disturbed.
        try rewrite(lab.folder + "/base", wallTimes: 1, disturbed: false)
        try rewrite(lab.folder + "/slow", wallTimes: 2, disturbed: false)
        let slower = try lab.run(["compare", "base", "slow", "--fail-if-slower", "10"])
        #expect(slower.status == 1, "\(slower.standardOutput)")
        #expect(
            slower.standardOutput.contains("lab compare: 1 of 1 cell is slower than the baseline by more than 10%"),
            "\(slower.standardOutput)")

        try rewrite(lab.folder + "/slow", wallTimes: 1, disturbed: true)
        let disturbed = try lab.run(["compare", "base", "slow", "--fail-if-slower", "10"])
        #expect(disturbed.status == 3, "\(disturbed.standardOutput)")
        #expect(disturbed.standardOutput.contains("sleep sequential  "), "\(disturbed.standardOutput)")
        #expect(
            disturbed.standardOutput.contains("(disturbed: 5 of 5 repetitions in the candidate)"),
            "\(disturbed.standardOutput)")
        #expect(
            disturbed.standardOutput.contains(
                "lab compare: 1 cell would be slower by more than 10% but the machine was busy with other work during it (disturbed), so the gate does not judge it: sleep sequential (disturbed: 5 of 5 repetitions in the candidate). Run both again on a quiet machine (exit status 3)"
            ), "\(disturbed.standardOutput)")
        #expect(
            disturbed.standardOutput.contains(
                "lab compare: no undisturbed cell is slower than the baseline by more than 10%"),
            "\(disturbed.standardOutput)")
        // Disturbed but not slower: nothing to refuse.
        try rewrite(lab.folder + "/slow", wallTimes: 0.5, disturbed: true)
        #expect(try lab.run(["compare", "base", "slow", "--fail-if-slower", "10"]).status == 0)
    }
}
