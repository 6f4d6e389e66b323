import Foundation
import LabReport
import Testing

/// The lab as another package's dependency, by version: `Tests/ConsumerPackage` adds a
/// workload of its own to the lab's command line and runs `list`, `run`, `explain` and `scale`
/// through its own binary, worker processes included. It is built against a git copy of this checkout's package tagged with the lab's
/// version, the way a user's package would resolve `from: "0.7.0"`.
@Suite struct ConsumerTests {
    struct CommandFailed: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs a command to its end; its output goes to a file so that a full pipe cannot stall it.
    @discardableResult
    static func run(_ arguments: [String], in folder: String, environment extra: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        let log = URL(fileURLWithPath: folder).appendingPathComponent(".command-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let output = try String(contentsOf: log, encoding: .utf8)
        guard process.terminationStatus == 0 else {
            throw CommandFailed(description: "\(arguments.joined(separator: " ")) exited \(process.terminationStatus):\n\(output)")
        }
        return output
    }

    @Test("Workloads/README.md shows the consumer's manifest and main.swift exactly")
    func readmeShowsManifest() throws {
        let repository = ExampleTests.repository
        let readme = try String(contentsOf: repository.appendingPathComponent("Workloads/README.md"), encoding: .utf8)
        for file in ["Tests/ConsumerPackage/Package.swift", "Tests/ConsumerPackage/Sources/vowels/main.swift"] {
            let source = try String(contentsOf: repository.appendingPathComponent(file), encoding: .utf8)
            #expect(readme.contains("<!-- example: \(file) -->\n```swift\n" + source + "```\n"), "\(file)")
        }
    }

    @Test("a package that depends on a tagged copy of the lab runs its own workload through the lab's list, run, explain and scale")
    func consumer() throws {
        let repository = ExampleTests.repository
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lab-consumer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: folder) }

        // The lab's package as a user would fetch it: its manifest and sources, committed and
        // tagged with the version the consumer asks for. The folder's name is the package's
        // identity ("workload-lab"), as the last part of its address would be.
        let lab = folder.appendingPathComponent("workload-lab")
        try FileManager.default.createDirectory(at: lab, withIntermediateDirectories: false)
        for item in ["Package.swift", "Sources", "Workloads"] {
            try FileManager.default.copyItem(at: repository.appendingPathComponent(item), to: lab.appendingPathComponent(item))
        }
        // The test targets' folders must exist for the manifest to load; empty ones will do.
        for target in ["LabCoreTests", "WorkloadsTests", "LabReportTests", "LabStudiesTests", "LabEndToEndTests"] {
            let path = lab.appendingPathComponent("Tests").appendingPathComponent(target)
            try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
            try "".write(to: path.appendingPathComponent("Empty.swift"), atomically: true, encoding: .utf8)
        }
        let git = ["git", "-c", "user.name=lab tests", "-c", "user.email=lab-tests@localhost", "-c", "init.defaultBranch=main"]
        try Self.run(git + ["init", "-q"], in: lab.path)
        try Self.run(git + ["add", "-A"], in: lab.path)
        try Self.run(git + ["commit", "-q", "-m", "the lab"], in: lab.path)
        try Self.run(git + ["tag", "0.7.0"], in: lab.path)

        let consumer = folder.appendingPathComponent("consumer")
        try FileManager.default.copyItem(at: repository.appendingPathComponent("Tests/ConsumerPackage"), to: consumer)
        try? FileManager.default.removeItem(at: consumer.appendingPathComponent(".build"))
        let environment = ["WORKLOAD_LAB_URL": lab.path]
        // A release build, as a user measures: it links the lab's libraries statically.
        try Self.run(["swift", "build", "-c", "release", "--product", "vowels"], in: consumer.path, environment: environment)
        let vowels = consumer.appendingPathComponent(".build/release/vowels").path
        // The lab's own commands, with the consumer's workload beside the built-in ones, and
        // the consumer's binary as every worker process.
        let listed = try Self.run([vowels, "list", "vowels"], in: consumer.path)
        #expect(listed.hasPrefix("vowels (cpu): counts the vowels of a generated text"), "\(listed)")
        let run = try Self.run(
            [vowels, "run", "--workloads", "vowels", "--quick", "--workers", "2", "--repetitions", "2", "--warmup", "0", "--out", "run", "--quiet"],
            in: consumer.path)
        for cell in ["sequential", "threads x2", "processes x2", "async x2"] {
            #expect(run.contains(cell), "\(run)")
        }
        let records = try ResultsFileReader.records(fromCSV: String(contentsOf: consumer.appendingPathComponent("run/results.csv"), encoding: .utf8))
        #expect(records.count == 8 && records.allSatisfy { $0.status == .ok && $0.workload == "vowels" })
        #expect(Set(records.map(\.checksum)).count == 1 && records[0].checksum != nil)
        let explained = try Self.run([vowels, "explain", "run"], in: consumer.path)
        #expect(explained.hasPrefix("vowels (cpu), letters=20000, 8 tasks"), "\(explained)")
        let scaled = try Self.run(
            [vowels, "scale", "--workload", "vowels", "--quick", "--workers", "1,2", "--repetitions", "2", "--warmup", "0", "--out", "scale", "--quiet"],
            in: consumer.path)
        #expect(scaled.contains("vowels: speedup over sequential by workers"), "\(scaled)")
        #expect(FileManager.default.fileExists(atPath: consumer.appendingPathComponent("scale/scale.svg").path))

        // Resolved by version, not by branch or path.
        let resolved = try String(contentsOf: consumer.appendingPathComponent("Package.resolved"), encoding: .utf8)
        #expect(resolved.contains("\"version\" : \"0.7.0\""), "\(resolved)")
    }
}
