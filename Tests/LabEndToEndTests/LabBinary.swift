import Foundation
import Glibc
import Testing

/// The built `lab` executable, run the way a user runs it, in a temporary folder of its own.
/// Every run carries a unique marker in its environment, which its workers inherit, so a test
/// can find exactly the processes its own run started (tests run in parallel).
struct LabBinary {
    struct Outcome {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// `swift test` builds `lab` into the same folder as the test bundle.
    static var path: String {
        let bundleFolder =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            .map { ($0 as NSString).deletingLastPathComponent } ?? ""
        return bundleFolder + "/lab"
    }

    let folder: String
    let marker = "lab-test-\(UUID().uuidString)"

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lab-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// `--calibration` and a calibration file of a few unit costs, written in the test's
    /// folder: a run given it measures no unit costs as it starts, so the only processes it
    /// starts are those a test watches (the quick measurement starts workers of its own).
    func givenCosts() throws -> [String] {
        let path = folder + "/given-calibration.csv"
        let text =
            "measurement,value,unit,samples,detail\nminor_fault_anonymous,2.000,us,1,given\npipe_bandwidth,1000.000,MiB/s,1,given\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return ["--calibration", path]
    }

    /// Starts `lab` with `arguments` in the test's folder; output goes to files in /tmp.
    func start(
        _ arguments: [String], environment extra: [String: String] = [:], executable: String = LabBinary.path
    ) throws -> (process: Process, output: URL, error: URL) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        var environment = ProcessInfo.processInfo.environment
        environment["LAB_TEST_MARKER"] = marker
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(marker)-\(UUID().uuidString).out")
        let error = FileManager.default.temporaryDirectory.appendingPathComponent("\(marker)-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: error.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: error)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, output, error)
    }

    /// Waits for a started run and collects its status and output.
    func finish(_ started: (process: Process, output: URL, error: URL)) throws -> Outcome {
        started.process.waitUntilExit()
        defer {
            try? FileManager.default.removeItem(at: started.output)
            try? FileManager.default.removeItem(at: started.error)
        }
        return Outcome(
            status: started.process.terminationStatus,
            standardOutput: try String(contentsOf: started.output, encoding: .utf8),
            standardError: try String(contentsOf: started.error, encoding: .utf8))
    }

    /// Runs `lab` to the end.
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        try finish(try start(arguments, environment: environment))
    }

    /// Runs `lab` with `arguments` under `shell`, after `setup` (such as `ulimit -Sn 512`),
    /// with this run's marker, in the test's folder.
    func run(after setup: String, shell: String = "/bin/sh", _ arguments: [String]) throws -> Outcome {
        let quoted = ([LabBinary.path] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
        return try finish(try start(["-c", setup + " && exec " + quoted], executable: shell))
    }

    /// Why the processes of a run cannot be found: then no test may pass by finding none.
    struct ProcessListingError: Error, CustomStringConvertible {
        let description: String
    }

    /// Live processes (not zombies) whose environment carries this run's marker.
    /// - Throws: when /proc cannot be listed, when this test process's own environment cannot
    ///   be read there, or when the environment of a live process that started after this
    ///   test process cannot be read (it could be one of ours). A process that ended meanwhile
    ///   is skipped, and so is one that started before this test process and hides its
    ///   environment (in a container, pid 1's is unreadable even to root): it cannot be ours.
    func markedProcesses() throws -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc"), entries.contains("self")
        else {
            throw ProcessListingError(description: "cannot list /proc, so leftover workers cannot be found")
        }
        guard let ownEnvironment = FileManager.default.contents(atPath: "/proc/self/environ"), !ownEnvironment.isEmpty,
            let ownStart = Self.startTicks(of: "self")
        else {
            throw ProcessListingError(
                description:
                    "cannot read this test's own /proc/self/environ or stat, so leftover workers cannot be found")
        }
        let needle = Data("LAB_TEST_MARKER=\(marker)".utf8)
        var found: [Int32] = []
        for entry in entries {
            guard let pid = Int32(entry), pid != getpid() else { continue }
            let descriptor = open("/proc/\(entry)/environ", O_RDONLY | O_CLOEXEC)
            if descriptor < 0 {
                let failure = errno
                if failure == ENOENT || failure == ESRCH { continue }
                if failure == EACCES || failure == EPERM, let start = Self.startTicks(of: entry), start < ownStart {
                    continue
                }
                throw ProcessListingError(description: "cannot read /proc/\(entry)/environ: errno \(failure)")
            }
            let environment = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true).readDataToEndOfFile()
            guard environment.range(of: needle) != nil,
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8)
            else { continue }
            // The state follows the parenthesised command name; Z is a zombie (already dead).
            if let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z" { continue }
            found.append(pid)
        }
        return found
    }

    /// When a process started, in clock ticks since boot (field 22 of /proc/PID/stat), or nil
    /// when it has ended.
    static func startTicks(of entry: String) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // After the command name: field 3 (state) is the first, so field 22 is the 20th.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    /// Polls until `condition` holds or `seconds` pass; returns whether it held. (Waiting for
    /// a state with a deadline, not sleeping to hide a race.)
    func wait(seconds: Double, until condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(10_000)
        }
        return try condition()
    }

    /// Everything inside the test's folder, recursively.
    func contents() -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).sorted()
    }
}

extension LabBinary {
    /// Leaves the run folder `folder` (inside the test's folder) as a run stopped before its
    /// end leaves it: results.csv without its last `rows` rows, run.json marked partial.
    func cutShort(_ folder: String, droppingRows rows: Int) throws {
        let path = self.folder + "/" + folder + "/results.csv"
        let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\r\n").filter {
            !$0.isEmpty
        }
        try (lines.dropLast(rows).joined(separator: "\r\n") + "\r\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        let run = self.folder + "/" + folder + "/run.json"
        let text = try String(contentsOfFile: run, encoding: .utf8)
        try text.replacingOccurrences(of: "\"partial\" : false", with: "\"partial\" : true").write(
            toFile: run, atomically: true, encoding: .utf8)
    }
}

extension LabBinary {
    /// Runs any program (not `lab`) to its end in `folder`: its status, standard output and
    /// standard error.
    static func runProgram(
        _ executable: String, _ arguments: [String], in folder: String
    ) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let (output, error) = (Pipe(), Pipe())
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outputData, as: UTF8.self),
            String(decoding: errorData, as: UTF8.self)
        )
    }
}
