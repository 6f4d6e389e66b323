import Foundation
import Testing

/// The lab as another package's dependency, by version: `Tests/ConsumerPackage` registers a
/// workload of its own and runs it through the engine in every mode, worker processes
/// included. It is built against a git copy of this checkout's package tagged with the lab's
/// version, the way a user's package would resolve `from: "0.6.0"`.
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

    @Test("Workloads/README.md shows the consumer's manifest exactly")
    func readmeShowsManifest() throws {
        let repository = ExampleTests.repository
        let manifest = try String(contentsOf: repository.appendingPathComponent("Tests/ConsumerPackage/Package.swift"), encoding: .utf8)
        let readme = try String(contentsOf: repository.appendingPathComponent("Workloads/README.md"), encoding: .utf8)
        #expect(readme.contains("<!-- example: Tests/ConsumerPackage/Package.swift -->\n```swift\n" + manifest + "```\n"))
    }

    @Test("a package that depends on a tagged copy of the lab runs its own workload through the engine")
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
        try Self.run(git + ["tag", "0.6.0"], in: lab.path)

        let consumer = folder.appendingPathComponent("consumer")
        try FileManager.default.copyItem(at: repository.appendingPathComponent("Tests/ConsumerPackage"), to: consumer)
        try? FileManager.default.removeItem(at: consumer.appendingPathComponent(".build"))
        let environment = ["WORKLOAD_LAB_URL": lab.path]
        // Both configurations: a release build links the lab's libraries statically.
        for configuration in ["debug", "release"] {
            try Self.run(["swift", "build", "-c", configuration, "--product", "vowels"], in: consumer.path, environment: environment)
            let output = try Self.run([consumer.appendingPathComponent(".build/\(configuration)/vowels").path, "--quick"], in: consumer.path)
            for cell in ["sequential", "threads x2", "processes x2", "async x2"] {
                #expect(output.contains(cell), "\(configuration): \(output)")
            }
            #expect(output.contains("checksum ") && output.contains("in all 12 repetitions"), "\(configuration): \(output)")
        }

        // Resolved by version, not by branch or path.
        let resolved = try String(contentsOf: consumer.appendingPathComponent("Package.resolved"), encoding: .utf8)
        #expect(resolved.contains("\"version\" : \"0.6.0\""), "\(resolved)")
    }
}
