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
            "process_task_over_round_trip", "thread_task_cost", "pool_startup_over_spawns", "primes_threads_2_speedup", "primes_processes_2_speedup",
            "shm_task_over_pipe_task_batch_1", "process_task_cost_batch_auto_shm", "digest_shm_over_threads", "mandelbrot_shm_over_threads",
        ]
        for name in goals {
            let row = try #require(byName[name], "\(name) missing")
            #expect(!row[3].isEmpty && ["yes", "no"].contains(row[4]), "\(row)")
            #expect((Double(row[1]) ?? 0) > 0, "\(row)")
        }
        for name in [
            "raw_pipe_round_trip", "process_task_cost_batch_1", "process_task_cost_batch_auto", "spawn_to_ready", "primes_sequential",
            "raw_socketpair_round_trip", "raw_shm_round_trip", "raw_shm_round_trip_cpu", "process_task_cost_batch_1_socketpair",
            "process_task_cost_batch_1_shm", "digest_pipe_over_threads",
        ] {
            #expect((Double(byName[name]?[1] ?? "") ?? 0) > 0, "\(name)")
        }
        // Every workload of the default plan is checked for removed work, each non-default
        // choice too (the refcount branch of contention once lost its work to the optimiser).
        for name in ["primes_growth", "contention_growth", "contention_growth_target_refcount", "digest_growth_echo_yes", "file-io_growth_sync_none"] {
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
            "crossover", "--workload", "primes", "--param", "limit", "--from", "1000", "--to", "4000", "--repetitions", "1", "--bisections", "1",
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
        let records = try ResultsFileReader.records(fromCSV: String(contentsOfFile: lab.folder + "/cross/results.csv", encoding: .utf8))
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
        let description = try RunDescription.parse(String(contentsOfFile: lab.folder + "/cross/run.json", encoding: .utf8))
        #expect(!description.partial)
        #expect(description.plan.workloads.map(\.parameters) == sizes.map { "limit=\($0)" })
        #expect(description.plan.transports == ["shm"])
        #expect(try lab.run(["report", "cross"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: lab.folder + "/cross/report.md"))
        #expect(try lab.markedProcesses().isEmpty)
    }

    @Test("lab scale measures every mode at each worker count and writes the curve as CSV, text and SVG beside a run's files")
    func scale() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "scale", "--workload", "primes", "--quick", "--workers", "1,2", "--repetitions", "2", "--warmup", "0", "--out", "scale", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.hasPrefix("primes: speedup over sequential by workers"))
        let curve = try CSV.parse(String(contentsOfFile: lab.folder + "/scale/scale.csv", encoding: .utf8))
        #expect(curve.first?.prefix(3) == ["mode", "workers", "transport"])
        #expect(curve.dropFirst().map { "\($0[0]) \($0[1])" } == [
            "sequential 1", "threads 1", "threads 2", "processes 1", "processes 2", "async 1", "async 2",
        ])
        #expect(curve.dropFirst().allSatisfy { (Double($0[7]) ?? 0) > 0 && (Double($0[6]) ?? 0) > 0 }, "\(curve)")
        let records = try ResultsFileReader.records(fromCSV: String(contentsOfFile: lab.folder + "/scale/results.csv", encoding: .utf8))
        #expect(records.count == 7 * 2 && Set(records.map(\.checksum)).count == 1)
        let svg = try String(contentsOfFile: lab.folder + "/scale/scale.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("<polyline"))
        #expect(FileManager.default.fileExists(atPath: lab.folder + "/scale/scale.txt"))
        let description = try RunDescription.parse(String(contentsOfFile: lab.folder + "/scale/run.json", encoding: .utf8))
        #expect(!description.partial && description.plan.workers == [1, 2])
        #expect(try lab.run(["report", "scale"]).status == 0)
        #expect(try lab.markedProcesses().isEmpty)
    }

    static var python: String? {
        ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The package's folder, found from this source file.
    static var packageFolder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    @Test("the Python peer writes a run folder that lab report reads, with the lab's own checksums", .enabled(if: python != nil))
    func pythonPeer() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let peer = Process()
        peer.executableURL = URL(fileURLWithPath: try #require(Self.python))
        peer.arguments = [
            Self.packageFolder + "/Scripts/python-peer.py", "--quick", "--experiments", "noop,primes", "--repetitions", "1", "--warmup", "0",
            "--workers", "2", "--out", lab.folder + "/python", "--quiet",
        ]
        peer.standardOutput = FileHandle.nullDevice
        try peer.run()
        peer.waitUntilExit()
        #expect(peer.terminationStatus == 0)
        let report = try lab.run(["report", "python"])
        #expect(report.status == 0, "\(report.standardError)")
        let description = try RunDescription.parse(String(contentsOfFile: lab.folder + "/python/run.json", encoding: .utf8))
        #expect(description.runtime?.hasPrefix("Python 3") == true)
        #expect(!description.partial)
        let markdown = try String(contentsOfFile: lab.folder + "/python/report.md", encoding: .utf8)
        #expect(markdown.contains("with Python 3"))

        let swift = try lab.run([
            "run", "--quick", "--workloads", "noop,primes", "--modes", "sequential", "--repetitions", "1", "--warmup", "0", "--out", "swift", "--quiet",
        ])
        #expect(swift.status == 0, "\(swift.standardError)")
        let python = try ResultsFileReader.records(fromCSV: String(contentsOfFile: lab.folder + "/python/results.csv", encoding: .utf8))
        let native = try ResultsFileReader.records(fromCSV: String(contentsOfFile: lab.folder + "/swift/results.csv", encoding: .utf8))
        #expect(python.count == 2 * 3)
        for record in python {
            #expect(record.status == .ok, "\(record.error)")
            let same = try #require(native.first { $0.workload == record.workload && $0.parameters == record.parameters && $0.tasks == record.tasks })
            #expect(record.checksum == same.checksum, "\(record.workload) \(record.mode.rawValue)")
        }
    }
}
