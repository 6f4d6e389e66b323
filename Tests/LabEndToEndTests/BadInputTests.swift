import Foundation
import Testing

/// Each user mistake: one `lab: ...` line on standard error naming the bad value and the
/// valid choices, exit status 2, and nothing created.
@Suite struct BadInputTests {
    static let cases: [(arguments: [String], message: String)] = [
        (
            ["run", "--workloads", "prims"],
            "lab: unknown workload 'prims'; known workloads: noop, primes, mandelbrot, digest"
        ),
        (
            ["run", "--workloads", ""],
            "lab: empty list for --workloads; expected a comma-separated list of: noop, primes, mandelbrot"
        ),
        (["run", "--workloads", "primes,primes"], "lab: 'primes' appears twice in --workloads"),
        (
            ["run", "--modes", "fibers"],
            "lab: invalid value 'fibers' for --modes; expected one of: sequential, threads, processes, async"
        ),
        (
            ["run", "--frobnicate"],
            "lab: unknown option '--frobnicate' for 'lab run'; options: --workloads, --modes, --workers"
        ),
        (["run", "--quick=yes"], "lab: invalid value 'yes' for --quick; expected no value (it is a flag)"),
        (["run", "--workers", "0"], "lab: invalid value '0' for --workers; expected an integer from 1 to 100000"),
        (["run", "--workers", "two"], "lab: invalid value 'two' for --workers; expected an integer from 1 to 100000"),
        (
            ["run", "--calibration", "/no/such/calibration.csv"],
            "lab: invalid value '/no/such/calibration.csv' for --calibration; expected a calibration.csv that lab calibrate wrote (it cannot be read)"
        ),
        (
            ["predict", "Results/none", "--calibration", "/no/such/calibration.csv"],
            "lab: invalid value '/no/such/calibration.csv' for --calibration; expected a calibration.csv that lab calibrate wrote (it cannot be read)"
        ),
        (
            ["run", "--workers", "100001"],
            "lab: invalid value '100001' for --workers; expected an integer from 1 to 100000"
        ),
        (
            ["run", "--workers", "2000", "--modes", "processes"],
            "lab: --workers 2000 cannot run in mode 'processes': a worker process each, and the lab starts at most 1024 (each is a whole Swift process of about 16 MB); threads and async take up to 100000"
        ),
        (["run", "--workers", "1,,2"], "lab: invalid value '1,,2' for --workers"),
        (
            ["run", "--repetitions", "0"],
            "lab: invalid value '0' for --repetitions; expected an integer from 1 to 1000"
        ),
        (["run", "--tasks", "-3"], "lab: invalid value '-3' for --tasks; expected an integer from 1 to 274877906944"),
        (["run", "--warmup"], "lab: option --warmup needs a value; expected an integer from 0 to 100"),
        (["run", "--repetitions", "2", "--repetitions", "3"], "lab: option --repetitions is given more than once"),
        (["run", "extra"], "lab: unexpected argument 'extra' for 'lab run'"),
        (
            ["run", "--set", "primes.limt=5"],
            "lab: unknown parameter 'limt' for workload 'primes'; its parameters: limit"
        ),
        (
            ["run", "--set", "primes.limit=many"],
            "lab: invalid value 'many' for primes.limit; expected an integer from 2 to 4000000000"
        ),
        (
            ["run", "--set", "primes.limit=1"],
            "lab: invalid value '1' for primes.limit; expected an integer from 2 to 4000000000"
        ),
        (
            ["run", "--set", "sleep.seconds=-1"],
            "lab: invalid value '-1' for sleep.seconds; expected a comma-separated list of numbers from 0 to 3600"
        ),
        (["run", "--set", "sleep.seconds=nan"], "lab: invalid value 'nan' for sleep.seconds"),
        (["run", "--set", "nodot"], "lab: invalid value 'nodot' for --set; expected WORKLOAD.PARAM=VALUE"),
        (
            ["run", "--set", "ghost.x=1"],
            "lab: unknown workload 'ghost' in --set ghost.x=1; known workloads: noop, primes, mandelbrot, digest"
        ),
        (
            ["run", "--workloads", "sleep", "--set", "primes.limit=1000"],
            "which this run does not include; workloads in this run: sleep"
        ),
        (["run", "--out", ""], "lab: invalid value '' for --out; expected a folder path that does not exist yet"),
        (
            ["frobnicate"],
            "lab: unknown command 'frobnicate'; commands: run, list, check, report, explain, predict, compare, ab, sensitivity, calibrate, bench, crossover, scale, help"
        ),
        (["list", "prims"], "lab: unknown workload 'prims'; known workloads: noop, primes, mandelbrot, digest"),
        (["help", "nothing"], "lab: unknown command 'nothing'"),
        (["list", "--bogus"], "lab: unknown option '--bogus' for 'lab list'; it takes no options but --help"),
        (["explain", "/no/such/folder"], "lab: no folder at '/no/such/folder'; name a run folder"),
        (
            ["check", "--seconds", "0"],
            "lab: invalid value '0' for --seconds; expected a number of seconds from 0.1 to 60"
        ),
        (
            ["run", "--order", "random"],
            "lab: invalid value 'random' for --order; expected one of: interleaved, grouped"
        ),
        (["run", "--format", "xml"], "lab: invalid value 'xml' for --format; expected one of: text, json"),
        (["report"], "lab: lab report needs exactly one run folder"),
        (
            ["run", "--workloads", "fault", "--set", "fault.action=trap"],
            "lab: fault.action=trap cannot run in mode 'sequential': in one address space it would take the lab down"
        ),
        (
            ["run", "--workloads", "fault", "--modes", "threads", "--set", "fault.action=hang"],
            "cannot run in mode 'threads'"
        ),
        (
            ["run", "--task-timeout", "0"],
            "lab: invalid value '0' for --task-timeout; expected a number of seconds from 0.001 to 86400"
        ),
        (["run", "--task-timeout", "inf"], "lab: invalid value 'inf' for --task-timeout"),
        (
            ["run", "--set", "fault.action=explode", "--workloads", "fault"],
            "lab: invalid value 'explode' for fault.action; expected one of: ok, throw, exit, trap, kill, hang"
        ),
        (["run", "--set", "sleep.seconds=1;2", "--workloads", "sleep"], "lab: invalid value '1;2' for sleep.seconds"),
        (
            ["run", "--set", "sleep.seconds=\"1\"", "--workloads", "sleep"],
            "lab: invalid value '\"1\"' for sleep.seconds"
        ),
        (
            ["run", "--set", "sleep.seconds=1\n2", "--workloads", "sleep"],
            "lab: invalid value '1\\n2' for sleep.seconds"
        ),
        (
            ["run", "--set", "primes.limit=99999999999999999999"],
            "lab: invalid value '99999999999999999999' for primes.limit"
        ),
        (["run", "--tasks", "1e3"], "lab: invalid value '1e3' for --tasks"),
        (["run", "--batch", "0"], "lab: invalid value '0' for --batch; expected auto or an integer from 1 to 100000"),
        (
            ["run", "--batch", "automatic"],
            "lab: invalid value 'automatic' for --batch; expected auto or an integer from 1 to 100000"
        ),
        (
            ["bench", "--repetitions", "3"],
            "lab: unknown option '--repetitions' for 'lab bench'; options: --workloads, --out, --quick, --transport, --quiet"
        ),
        (["bench", "--workloads", "my-wrok"], "lab: unknown workload 'my-wrok'; known workloads: noop, primes"),
        (
            ["crossover", "--workload", "primes", "--param", "limit", "--task-timeout", "0"],
            "lab: invalid value '0' for --task-timeout; expected a number of seconds from 0.001 to 86400"
        ),
        (
            ["crossover", "--workload", "primes", "--param", "limit", "--set", "primes.limit=5"],
            "lab: --set primes.limit sets the scanned parameter; use --from and --to"
        ),
        (
            ["crossover", "--workload", "primes", "--param", "limit", "--set", "sort.count=5"],
            "lab: --set sort.count=5 names workload 'sort', which this run does not include; workloads in this run: primes"
        ),
        (
            ["crossover", "--workload", "primes", "--param", "limt"],
            "lab: unknown parameter 'limt' for workload 'primes'; its parameters: limit"
        ),
        (
            ["crossover", "--workload", "sleep", "--param", "seconds"],
            "integer parameters of sleep: none (workloads that have one: primes, mandelbrot, digest"
        ),
        (
            ["crossover", "--workload", "primes", "--param", "limit", "--from", "9", "--to", "3"],
            "lab: --from 9 must be smaller than --to 3"
        ),
        (
            ["crossover", "--workload", "primes"],
            "lab: lab crossover needs --param; integer parameters of primes: limit"
        ),
        (
            ["run", "--transport", "pigeon"],
            "lab: invalid value 'pigeon' for --transport; expected one of: pipe, socketpair, shm"
        ),
        (["run", "--transport", "pipe,pipe"], "lab: 'pipe' appears twice in --transport"),
        (
            ["run", "--transport", ""],
            "lab: empty list for --transport; expected a comma-separated list of: pipe, socketpair, shm"
        ),
        (["run", "--spin", "-1"], "lab: invalid value '-1' for --spin; expected an integer from 0 to 10000000"),
        (["run", "--dataset", "shared"], "lab: invalid value 'shared' for --dataset; expected one of: copy, map"),
        (["run", "--dataset", "map,map"], "lab: 'map' appears twice in --dataset"),
        (["run", "--start", "fork"], "lab: invalid value 'fork' for --start; expected one of: spawn, forkserver"),
        (
            ["scale", "--workload", "primes", "--start", "spawn,forkserver"],
            "lab: invalid value 'spawn,forkserver' for --start; expected one of: spawn, forkserver"
        ),
        (
            ["crossover", "--workload", "primes", "--param", "limit", "--transport", "pipe,shm"],
            "lab: invalid value 'pipe,shm' for --transport; expected one of: pipe, socketpair, shm"
        ),
        (
            ["bench", "--transport", "udp"],
            "lab: invalid value 'udp' for --transport; expected one of: pipe, socketpair, shm"
        ),
        (
            ["calibrate", "--spin", "many"],
            "lab: invalid value 'many' for --spin; expected an integer from 0 to 10000000"
        ),
        (["scale"], "lab: lab scale needs --workload; workloads: noop, primes, mandelbrot"),
        (["scale", "--workload", "prims"], "lab: unknown workload 'prims'; known workloads: noop, primes"),
        (
            ["scale", "--workload", "primes", "--workers", "0"],
            "lab: invalid value '0' for --workers; expected an integer from 1 to 100000"
        ),
        (
            ["scale", "--workload", "primes", "--modes", "fibers"],
            "lab: invalid value 'fibers' for --modes; expected one of: sequential, threads, processes, async"
        ),
        (
            ["scale", "--workload", "primes", "--set", "primes.limit=1"],
            "lab: invalid value '1' for primes.limit; expected an integer from 2 to 4000000000"
        ),
    ]

    @Test("bad input is one clear line, exit 2, nothing created", arguments: cases)
    func badInput(arguments: [String], message: String) throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run(arguments)
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains(message), "\(outcome.standardError)")
        #expect(outcome.standardError.split(separator: "\n").count == 1, "\(outcome.standardError)")
        #expect(outcome.standardOutput.isEmpty)
        #expect(lab.contents().isEmpty, "\(lab.contents())")
    }

    @Test(
        "processes past 1024 in a list other modes run in full is no error: one line says where processes stop, and the plan has no processes cell there"
    )
    func processesStopInList() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "run", "--workloads", "noop", "--modes", "threads,processes,async", "--workers", "2,2000", "--dry-run",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(
            outcome.standardError
                == "lab: processes stop at 1024 workers (a whole Swift process each, about 16 MB): no processes cell at x2000; threads and async run there\n"
        )
        // threads x2, threads x2000, processes x2, async x2, async x2000.
        #expect(outcome.standardOutput.hasPrefix("lab: dry run: 5 cells of noop, "), "\(outcome.standardOutput)")
    }

    @Test("a read-only --out is refused (sysfs refuses mkdir even to root, as CI runs)")
    func readOnlyOutput() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let target = "/sys/lab-test-\(UUID().uuidString)"
        let outcome = try lab.run(["run", "--quick", "--out", target])
        #expect(outcome.status == 2)
        #expect(
            outcome.standardError.hasPrefix("lab: cannot create output folder '\(target)': "),
            "\(outcome.standardError)")
        #expect(outcome.standardError.hasSuffix("; choose a writable --out\n"))
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(lab.contents().isEmpty)
    }

    @Test("a one-letter --out works (NSString's path methods trap on it on Linux)")
    func oneLetterOutput() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "run", "--quick", "--workloads", "sleep", "--modes", "sequential", "--repetitions", "1", "--warmup", "0",
            "--out", "a", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(FileManager.default.fileExists(atPath: lab.folder + "/a/results.csv"))
    }

    @Test("an --out that exists already is refused and left as it was")
    func outputExists() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        try FileManager.default.createDirectory(atPath: lab.folder + "/taken", withIntermediateDirectories: false)
        let outcome = try lab.run(["run", "--quick", "--out", "taken"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError == "lab: output folder 'taken' exists already; choose a new --out or remove it\n")
        #expect(lab.contents() == ["taken"])
    }

    @Test("an --out that cannot be created is refused and nothing is left behind")
    func outputNotCreatable() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        _ = FileManager.default.createFile(atPath: lab.folder + "/file", contents: Data("x".utf8))
        // 'new' and 'new/deeper' are made first; the last name is too long, so they must be removed again.
        let tooLong = "new/deeper/" + String(repeating: "x", count: 300)
        let outcome = try lab.run(["run", "--quick", "--out", tooLong])
        #expect(outcome.status == 2)
        #expect(
            outcome.standardError
                == "lab: cannot create output folder '\(tooLong)': File name too long; choose a writable --out\n")
        #expect(lab.contents() == ["file"])
        let underFile = try lab.run(["run", "--quick", "--out", "file/run"])
        #expect(underFile.status == 2)
        #expect(
            underFile.standardError
                == "lab: cannot create output folder 'file/run': Not a directory; choose a writable --out\n")
        #expect(lab.contents() == ["file"])
    }
}
