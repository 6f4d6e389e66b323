import Foundation
import LabCore
import LabReport
import Testing

/// `lab bench`, `lab crossover` and the Python peer, run as a user runs them. They check
/// that each works and writes what it says, never the figures (a debug build on a shared
/// machine: the figures belong to release runs).
@Suite struct BenchTests {
    @Test("lab bench --quick measures every figure against its goal and writes bench.csv")
    func bench() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run(["bench", "--quick", "--out", "bench", "--quiet"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let rows = try CSV.parse(String(contentsOfFile: lab.folder + "/bench/bench.csv", encoding: .utf8))
        #expect(rows.first == ["measurement", "value", "unit", "goal", "meets_goal", "detail"])
        let byName = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[0], $0) })
        let goals = [
            "process_task_over_round_trip", "thread_task_cost", "pool_startup_over_spawns", "primes_threads_2_speedup",
            "primes_processes_2_speedup",
            "shm_task_over_pipe_task_batch_1", "process_task_cost_batch_auto_shm", "digest_shm_over_threads",
            "mandelbrot_shm_over_threads",
            "forkserver_pool_over_spawn_pool", "digest_remedies_over_floor", "mandelbrot_remedies_over_floor",
            "sort_remedies_over_floor", "bandwidth_remedies_over_floor", "shm_over_pipe_batch_1",
            "shm_over_pipe_batch_16",
            "shm_over_pipe_batch_auto",
        ]
        for name in goals {
            let row = try #require(byName[name], "\(name) missing")
            #expect(!row[3].isEmpty && ["yes", "no"].contains(row[4]), "\(row)")
            #expect((Double(row[1]) ?? 0) > 0, "\(row)")
        }
        for name in [
            "raw_pipe_round_trip", "process_task_cost_batch_1", "process_task_cost_batch_auto", "spawn_to_ready",
            "primes_sequential",
            "raw_socketpair_round_trip", "raw_shm_round_trip", "raw_shm_round_trip_cpu",
            "process_task_cost_batch_1_socketpair",
            "process_task_cost_batch_1_shm", "digest_pipe_over_threads", "counters_cost_per_repetition",
            "counters_cost_per_worker",
            "bandwidth_floor_processes_over_threads", "sort_remedies_over_threads",
        ] {
            #expect((Double(byName[name]?[1] ?? "") ?? 0) > 0, "\(name)")
        }
        // Every workload of the default plan is checked for removed work, each non-default
        // choice too (the refcount branch of contention once lost its work to the optimiser).
        for name in [
            "primes_growth", "contention_growth", "contention_growth_target_refcount", "digest_growth_echo_yes",
            "file-io_growth_sync_none",
        ] {
            let row = try #require(byName[name], "\(name) missing")
            #expect(row[3] == ">= 1.5" && ["yes", "no"].contains(row[4]) && (Double(row[1]) ?? 0) > 0, "\(row)")
        }
        #expect(outcome.standardOutput.contains("primes_processes_2_speedup"))
        #expect(try lab.markedProcesses().isEmpty)
    }

    @Test("lab crossover scans a size by doubling, bisects, and writes the curve in three forms")
    func crossover() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "crossover", "--workload", "primes", "--param", "limit", "--from", "1000", "--to", "4000", "--repetitions",
            "1", "--bisections", "1",
            "--workers", "2", "--transport", "shm", "--out", "cross", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let rows = try CSV.parse(String(contentsOfFile: lab.folder + "/cross/crossover.csv", encoding: .utf8))
        #expect(rows.first?.prefix(4) == ["limit_count", "tasks", "workers", "sequential_median_s"])
        let sizes = rows.dropFirst().compactMap { Int($0[0]) }
        #expect(sizes == sizes.sorted())
        #expect(Set([1000, 2000, 4000]).isSubset(of: Set(sizes)), "\(sizes)")
        for line in ["threads beat sequential", "processes beat sequential", "processes within 10% of threads"] {
            #expect(outcome.standardOutput.contains(line), "\(outcome.standardOutput)")
        }
        let records = try ResultsFileReader.records(
            fromCSV: String(contentsOfFile: lab.folder + "/cross/results.csv", encoding: .utf8))
        #expect(records.count == sizes.count * 3)
        #expect(records.filter { $0.mode == .processes }.allSatisfy { $0.transport == .shm })
        // Every mode did the same work at each size.
        for size in sizes {
            let checksums = Set(records.filter { $0.parameters == "limit=\(size)" }.map(\.checksum))
            #expect(checksums.count == 1 && checksums.first! != nil, "\(size): \(checksums)")
        }
        let svg = try String(contentsOfFile: lab.folder + "/cross/crossover.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("<polyline"))
        #expect(FileManager.default.fileExists(atPath: lab.folder + "/cross/crossover.txt"))
        // A run folder like any other: lab report reads it.
        let description = try RunDescription.parse(
            String(contentsOfFile: lab.folder + "/cross/run.json", encoding: .utf8))
        #expect(!description.partial)
        #expect(description.plan.workloads.map(\.parameters) == sizes.map { "limit=\($0)" })
        #expect(description.plan.transports == ["shm"])
        #expect(try lab.run(["report", "cross"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: lab.folder + "/cross/report.md"))
        #expect(try lab.markedProcesses().isEmpty)
    }

    @Test(
        "lab crossover --modes takes async too: a finding for each pool named, a column for each, and no catch-up without both threads and processes"
    )
    func crossoverModes() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "crossover", "--workload", "primes", "--param", "limit", "--from", "1000", "--to", "4000", "--repetitions",
            "1", "--bisections", "0",
            "--modes", "threads,async", "--out", "cross", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(
            outcome.standardOutput.contains("threads beat sequential")
                && outcome.standardOutput.contains("async beats sequential"), "\(outcome.standardOutput)")
        #expect(!outcome.standardOutput.contains("processes"), "\(outcome.standardOutput)")
        let rows = try CSV.parse(String(contentsOfFile: lab.folder + "/cross/crossover.csv", encoding: .utf8))
        #expect(
            rows.first == [
                "limit_count", "tasks", "workers", "sequential_median_s", "threads_median_s", "async_median_s",
                "threads_speedup_x", "async_speedup_x", "phase",
            ])
        let records = try ResultsFileReader.records(
            fromCSV: String(contentsOfFile: lab.folder + "/cross/results.csv", encoding: .utf8))
        #expect(Set(records.map(\.mode)) == [.sequential, .threads, .async])
        let description = try RunDescription.parse(
            String(contentsOfFile: lab.folder + "/cross/run.json", encoding: .utf8))
        #expect(description.plan.modes == ["sequential", "threads", "async"])
        let refused = try lab.run(["crossover", "--workload", "primes", "--param", "limit", "--modes", "sequential"])
        #expect(
            refused.status == 2
                && refused.standardError.hasPrefix("lab: invalid value 'sequential' for --modes; expected a pool"),
            "\(refused.standardError)")
    }

    @Test(
        "lab scale measures every mode at each worker count and writes the curve as CSV, text and SVG beside a run's files"
    )
    func scale() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "scale", "--workload", "primes", "--quick", "--workers", "1,2", "--repetitions", "2", "--warmup", "0",
            "--out", "scale", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.hasPrefix("primes: speedup over sequential by workers"))
        let curve = try CSV.parse(String(contentsOfFile: lab.folder + "/scale/scale.csv", encoding: .utf8))
        #expect(curve.first?.prefix(3) == ["mode", "workers", "transport"])
        #expect(
            curve.dropFirst().map { "\($0[0]) \($0[1])" } == [
                "sequential 1", "threads 1", "threads 2", "processes 1", "processes 2", "async 1", "async 2",
            ])
        #expect(curve.dropFirst().allSatisfy { (Double($0[7]) ?? 0) > 0 && (Double($0[6]) ?? 0) > 0 }, "\(curve)")
        let records = try ResultsFileReader.records(
            fromCSV: String(contentsOfFile: lab.folder + "/scale/results.csv", encoding: .utf8))
        #expect(records.count == 7 * 2 && Set(records.map(\.checksum)).count == 1)
        let svg = try String(contentsOfFile: lab.folder + "/scale/scale.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("<polyline"))
        #expect(FileManager.default.fileExists(atPath: lab.folder + "/scale/scale.txt"))
        let description = try RunDescription.parse(
            String(contentsOfFile: lab.folder + "/scale/run.json", encoding: .utf8))
        #expect(!description.partial && description.plan.workers == [1, 2])
        #expect(try lab.run(["report", "scale"]).status == 0)
        #expect(try lab.markedProcesses().isEmpty)
    }

    static var python: String? {
        ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Every Python the peer's test runs under: the system's, and pyenv's 3.12 and 3.13 where
    /// the machine has them (this machine's image installs them; `pyenv versions` lists them).
    static var pythons: [String] {
        let root = (ProcessInfo.processInfo.environment["PYENV_ROOT"] ?? NSHomeDirectory() + "/.pyenv") + "/versions"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter {
            $0.hasPrefix("3.12") || $0.hasPrefix("3.13")
        }
        let pyenv = versions.sorted().map { root + "/" + $0 + "/bin/python3" }.filter {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        return (python.map { [$0] } ?? []) + pyenv
    }

    /// The package's folder, found from this source file.
    static var packageFolder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    @Test(
        "the Python peer writes a run folder that lab report and lab compare read: every start method, asyncio, the interpreter's GIL, unavailable cells as rows, and the lab's own checksums; under every Python here",
        arguments: pythons)
    func pythonPeer(interpreter: String) throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let peer = try Self.peer(
            [
                "--quick", "--experiments", "noop,primes,waits", "--repetitions", "1", "--warmup", "0", "--workers",
                "2", "--out", "python", "--quiet",
            ],
            in: lab.folder, interpreter: interpreter)
        #expect(peer.status == 0, "\(peer.error)")
        let report = try lab.run(["report", "python"])
        #expect(report.status == 0, "\(report.standardError)")
        let json = try String(contentsOfFile: lab.folder + "/python/run.json", encoding: .utf8)
        let description = try RunDescription.parse(json)
        #expect(description.runtime?.hasPrefix("Python 3") == true)
        #expect(!description.partial)
        let markdown = try String(contentsOfFile: lab.folder + "/python/report.md", encoding: .utf8)
        #expect(markdown.contains("with Python 3"))
        let explained = try lab.run(["explain", "python"])
        #expect(explained.status == 0)
        #expect(
            explained.standardOutput.contains("This run has no breakdown of its times: Python 3."),
            "\(explained.standardOutput)")
        // What the interpreter is and offers, as the peer read it.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let interpreter = try #require(object["python"] as? [String: Any])
        let version = try #require(interpreter["version"] as? String)
        let gilEnabled = try #require(interpreter["gil_enabled"] as? Bool)
        let startMethods = try #require(interpreter["start_methods"] as? [String])
        let hasInterpreterPool = try #require(interpreter["interpreter_pool"] as? Bool)

        let text = try String(contentsOfFile: lab.folder + "/python/results.csv", encoding: .utf8)
        let python = try ResultsFileReader.records(fromCSV: text)
        // Every row names the interpreter and its GIL.
        let rows = try CSV.parse(text)
        let header = try #require(rows.first)
        let runtimeColumn = try #require(header.firstIndex(of: "runtime"))
        let gilColumn = try #require(header.firstIndex(of: "gil"))
        #expect(
            rows.dropFirst().allSatisfy {
                $0[runtimeColumn] == "Python \(version)" && $0[gilColumn] == (gilEnabled ? "enabled" : "disabled")
            })

        // noop and primes: sequential, threads, processes per start method, async and
        // interpreters; waits: threads and async with 1000 in flight.
        #expect(python.count == 2 * 7 + 2)
        for workload in ["noop", "primes"] {
            let cells = python.filter { $0.workload == workload }
            #expect(
                cells.map(\.cellLabel) == [
                    "sequential", "threads x2", "processes x2 (fork)", "processes x2 (forkserver)",
                    "processes x2 (spawn)", "async x2",
                    "threads x2 (interpreters)",
                ])
            for record in cells where record.mode == .processes {
                let variant = try #require(record.variant)
                #expect(
                    record.status == (startMethods.contains(variant) ? .ok : .unavailable),
                    "\(variant): \(record.error ?? "")")
            }
            let interpreters = try #require(cells.last)
            #expect(interpreters.status == (hasInterpreterPool ? .ok : .unavailable))
            if !hasInterpreterPool {
                #expect(interpreters.error == "InterpreterPoolExecutor (PEP 734) needs Python 3.14; this is \(version)")
                #expect(
                    explained.standardOutput.contains(
                        "threads x2 (interpreters) was not run: InterpreterPoolExecutor (PEP 734) needs Python 3.14"))
            }
        }
        #expect(python.filter { $0.tasks == 1000 }.map(\.cellLabel) == ["threads x1000", "async x1000"])

        // The same work as the lab's: equal checksums, workload by workload.
        let swift = try lab.run([
            "run", "--quick", "--workloads", "noop,primes", "--modes", "sequential,processes", "--workers", "2",
            "--repetitions", "1", "--warmup", "0",
            "--out", "swift", "--quiet",
        ])
        #expect(swift.status == 0, "\(swift.standardError)")
        let waits = try lab.run([
            "run", "--workloads", "sleep", "--modes", "async", "--workers", "1000", "--tasks", "1000", "--set",
            "sleep.seconds=0.05",
            "--repetitions", "1", "--warmup", "0", "--out", "swift-waits", "--quiet",
        ])
        #expect(waits.status == 0, "\(waits.standardError)")
        let native = try ["swift", "swift-waits"].flatMap { folder in
            try ResultsFileReader.records(
                fromCSV: String(contentsOfFile: lab.folder + "/\(folder)/results.csv", encoding: .utf8))
        }
        for record in python where record.status != .unavailable {
            #expect(record.status == .ok, "\(record.error ?? "")")
            let same = try #require(
                native.first {
                    $0.workload == record.workload && $0.parameters == record.parameters && $0.tasks == record.tasks
                })
            #expect(record.checksum == same.checksum, "\(record.workload) \(record.cellLabel)")
        }

        // lab compare sets each start method against the lab's processes x2.
        let compare = try lab.run(["compare", "python", "swift"])
        #expect(compare.status == 0, "\(compare.standardError)")
        for method in startMethods {
            #expect(compare.standardOutput.contains("primes processes x2 (\(method))"), "\(compare.standardOutput)")
        }
    }

    /// The examples of the Python peer's help, each as its arguments after the script.
    static func peerExamples() throws -> [[String]] {
        let help = try peer(["--help"], in: NSTemporaryDirectory())
        return help.output.split(separator: "\n").filter { $0.hasPrefix("  python3 Scripts/python-peer.py") }.map {
            $0.split(separator: " ").dropFirst(2).map(String.init)
        }
    }

    @Test(
        "the Python peer's downloads, its help's example at the quick size: ThreadPoolExecutor and asyncio streams against the lab's image server, the lab's checksums, a thread per download in flight against one, and no server left",
        .enabled(if: python != nil))
    func pythonPeerDownloads() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let example = try #require(try Self.peerExamples().first { $0.contains("downloads") })
        let out = try #require(example.last)
        // The study's page shows this very command.
        let page = try String(contentsOfFile: Self.packageFolder + "/Sources/LabStudies/downloads.md", encoding: .utf8)
        #expect(page.contains("python3 Scripts/python-peer.py " + example.joined(separator: " ")))
        // The debug lab's image server: the release build need not exist when the tests run.
        let peer = try lab.finish(
            lab.start(
                [Self.packageFolder + "/Scripts/python-peer.py"] + example + [
                    "--quick", "--lab", LabBinary.path, "--quiet",
                ], executable: try #require(Self.python)))
        #expect(peer.status == 0, "\(peer.standardError)")
        let records = try RunFolder(path: lab.folder + "/" + out).records()
        #expect(
            Set(records.map(\.cellLabel)) == [
                "threads x10", "async x10", "threads x100", "async x100", "threads x1000", "async x1000",
            ])
        #expect(records.allSatisfy { $0.status == .ok && $0.tasks == 1000 }, "\(records.compactMap(\.error))")
        // A pool thread per download in flight (ThreadPoolExecutor starts them as work comes)
        // against the event loop's one thread.
        let threads = records.filter { $0.cellLabel == "threads x1000" }.compactMap(\.counters.coordinatorPeakThreads)
        let async = records.filter { $0.cellLabel == "async x1000" }.compactMap(\.counters.coordinatorPeakThreads)
        #expect(!threads.isEmpty && threads.allSatisfy { $0 > 20 }, "\(threads)")
        #expect(!async.isEmpty && async.allSatisfy { $0 <= 2 }, "\(async)")
        #expect(try lab.markedProcesses().isEmpty)

        // The lab's async x100 of the same images: the same checksum.
        let swift = try lab.run([
            "run", "--quick", "--workloads", "download", "--set", "download.bytes=4096", "--set",
            "download.fail_every=0", "--tasks", "1000",
            "--modes", "async", "--workers", "100", "--repetitions", "1", "--warmup", "0", "--out", "swift", "--quiet",
        ])
        #expect(swift.status == 0, "\(swift.standardError)")
        let native = try #require(try RunFolder(path: lab.folder + "/swift").records().first)
        for record in records {
            #expect(record.parameters == native.parameters && record.checksum == native.checksum, "\(record.cellLabel)")
        }
    }

    /// Runs the Python peer with `arguments` in `folder`, under `interpreter`.
    static func peer(
        _ arguments: [String], in folder: String, interpreter: String? = python
    ) throws -> (status: Int32, output: String, error: String) {
        try LabBinary.runProgram(
            try #require(interpreter), [packageFolder + "/Scripts/python-peer.py"] + arguments, in: folder)
    }

    @Test(
        "the Python peer's help example runs; bad input is one line on stderr, exit 2 and no folder",
        .enabled(if: python != nil))
    func pythonPeerHelpAndBadInput() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let help = try Self.peer(["--help"], in: lab.folder)
        #expect(help.status == 0)
        // The quick example is run; the full one (about three minutes) only parses here, with
        // the quick sizes and one repetition added.
        let examples = try Self.peerExamples()
        try #require(examples.count == 3)
        // The downloads example runs in pythonPeerDownloads.
        let (full, quick) = (examples[0], examples[1])
        #expect(quick.contains("--quick") && !full.contains("--quick"))
        let parsed = try Self.peer(
            full + ["--quick", "--experiments", "noop", "--repetitions", "1", "--warmup", "0", "--quiet"],
            in: lab.folder)
        #expect(parsed.status == 0, "\(parsed.error)")
        let arguments = quick
        #expect(arguments.contains("--out"))
        let run = try Self.peer(arguments + ["--quiet"], in: lab.folder)
        #expect(run.status == 0, "\(run.error)")
        let out = try #require(arguments.last)
        #expect(try lab.run(["report", out]).status == 0)

        for bad in [["--experiments", "nope"], ["--python", "/nope/python3"], ["--workers", "0"]] {
            let result = try Self.peer(bad + ["--out", "bad"], in: lab.folder)
            #expect(result.status == 2, "\(bad)")
            let lines = result.error.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(bad[1]), "\(result.error)")
            #expect(!FileManager.default.fileExists(atPath: lab.folder + "/bad"))
        }
    }
}
