import Foundation
import LabCore
import LabReport
import Testing

/// The lab as another package's dependency, by version: `Tests/ConsumerPackage` adds a
/// workload of its own to the lab's command line and runs `list`, `run`, `explain` and `scale`
/// through its own binary, worker processes included. It is built against a git copy of this
/// checkout's package tagged with the lab's version, the way a user's package would resolve
/// `from: "0.9.0"`: the page's own steps.
@Suite struct ConsumerTests {
    struct CommandFailed: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs a command to its end and returns its output, or throws when its status is not 0.
    @discardableResult
    static func run(
        _ arguments: [String], in folder: String, environment extra: [String: String] = [:]
    ) throws -> String {
        let (status, output) = try outcome(arguments, in: folder, environment: extra)
        guard status == 0 else {
            throw CommandFailed(description: "\(arguments.joined(separator: " ")) exited \(status):\n\(output)")
        }
        return output
    }

    /// Runs a command to its end: its status and its output (stdout and stderr), which goes to
    /// a file so that a full pipe cannot stall it.
    static func outcome(
        _ arguments: [String], in folder: String, environment extra: [String: String] = [:]
    ) throws -> (Int32, String) {
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
        return (process.terminationStatus, try String(contentsOf: log, encoding: .utf8))
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

    /// The shell blocks of Workloads/README.md's own-package steps, in order: step 1's and step 4's.
    static func pageSteps() throws -> [[String]] {
        let readme = try String(
            contentsOf: ExampleTests.repository.appendingPathComponent("Workloads/README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "## Use the engine from your own package"))
        let end = try #require(readme.range(of: "\n## ", range: start.upperBound..<readme.endIndex))
        var blocks: [[String]] = []
        var current: [String]?
        var inFence = false
        for line in readme[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if inFence, trimmed == "```" {
                if let block = current { blocks.append(block) }
                current = nil
                inFence = false
            } else if inFence {
                current?.append(trimmed)
            } else if trimmed.hasPrefix("```") {
                // A bare fence is a shell block; ```swift is a file the page shows.
                inFence = true
                current = trimmed == "```" ? [] : nil
            }
        }
        return blocks
    }

    @Test(
        "the own-package steps of Workloads/README.md, pasted into a shell as shown, build a package that runs its workload through the lab's run, explain and scale, by version; Scripts/ci-gate.sh copied into it fails a commit slower than its tagged base (end to end: the lab built in release once, shared)"
    )
    func consumer() throws {
        let repository = ExampleTests.repository
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lab-consumer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: folder) }

        // The lab as a user has it: a git clone of its package, committed, without the tag
        // (the page's first step tags it). Its folder's name is the package's identity.
        let lab = folder.appendingPathComponent("workload-lab")
        try FileManager.default.createDirectory(at: lab, withIntermediateDirectories: false)
        for item in ["Package.swift", "Sources", "Workloads"] {
            try FileManager.default.copyItem(
                at: repository.appendingPathComponent(item), to: lab.appendingPathComponent(item))
        }
        // The test targets' folders must exist for the manifest to load; empty ones will do.
        for target in ["LabCoreTests", "WorkloadsTests", "LabReportTests", "LabStudiesTests", "LabEndToEndTests"] {
            let path = lab.appendingPathComponent("Tests").appendingPathComponent(target)
            try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
            try "".write(to: path.appendingPathComponent("Empty.swift"), atomically: true, encoding: .utf8)
        }
        let git = [
            "git", "-c", "user.name=lab tests", "-c", "user.email=lab-tests@localhost", "-c", "init.defaultBranch=main",
        ]
        try Self.run(git + ["init", "-q"], in: lab.path)
        try Self.run(git + ["add", "-A"], in: lab.path)
        try Self.run(git + ["commit", "-q", "-m", "the lab"], in: lab.path)

        // The page's steps, as shown: step 1's commands in the lab's clone, the two files of
        // steps 2 and 3 (the page shows them byte for byte: readmeShowsManifest), step 4's
        // commands, the run folder's name where the page writes <run-id>.
        let steps = try Self.pageSteps()
        try #require(steps.count == 2, "\(steps)")
        #expect(steps[0].contains("git tag 0.9.0") && steps[1].first == "swift build -c release", "\(steps)")
        let consumerSource = repository.appendingPathComponent("Tests/ConsumerPackage").path
        let script =
            (["set -ex", "cd '\(lab.path)'"] + steps[0] + [
                "cp '\(consumerSource)/Package.swift' Package.swift",
                "cp '\(consumerSource)/Sources/vowels/main.swift' Sources/vowels/main.swift",
            ]
            + steps[1].map {
                $0.replacingOccurrences(of: "Results/<run-id>", with: "\"Results/$(ls Results | tail -n 1)\"")
            }).joined(separator: "\n")
        let shown = try Self.run(["bash", "-c", script], in: folder.path, environment: ["WORKLOAD_LAB_URL": ""])
        #expect(shown.contains("vowels: speedup over sequential by workers"), "\(shown)")
        #expect(shown.contains("vowels (cpu), letters=2000000, 8 tasks"), "\(shown)")

        let consumer = folder.appendingPathComponent("vowels")
        let runs = try FileManager.default.contentsOfDirectory(atPath: consumer.appendingPathComponent("Results").path)
            .sorted()
        try #require(runs.count == 2, "\(runs)")
        let records = try ResultsFileReader.records(
            fromCSV: String(
                contentsOf: consumer.appendingPathComponent("Results/\(runs[0])/results.csv"), encoding: .utf8))
        #expect(Set(records.map(\.mode)) == Set(ExecutionMode.allCases), "\(records.map(\.mode))")
        #expect(records.allSatisfy { $0.status == .ok && $0.workload == "vowels" })
        #expect(Set(records.map(\.checksum)).count == 1 && records[0].checksum != nil)
        #expect(
            FileManager.default.fileExists(atPath: consumer.appendingPathComponent("Results/\(runs[1])/scale.svg").path)
        )

        // Resolved by version, not by branch or path.
        let resolved = try String(contentsOf: consumer.appendingPathComponent("Package.resolved"), encoding: .utf8)
        #expect(resolved.contains("\"version\" : \"0.9.0\""), "\(resolved)")

        // The binary names itself in its help and its errors.
        let vowels = consumer.appendingPathComponent(".build/release/vowels").path
        let help = try Self.run([vowels, "--help"], in: consumer.path)
        #expect(
            help.hasPrefix("vowels: measures") && help.contains("USAGE: vowels <command>")
                && help.contains("  vowels run"), "\(help)")
        #expect(!help.contains("lab run"), "\(help)")
        let runHelp = try Self.run([vowels, "run", "--help"], in: consumer.path)
        #expect(runHelp.hasPrefix("USAGE: vowels run") && !runHelp.contains("  lab run"), "\(runHelp)")
        do {
            try Self.run([vowels, "run", "--workers", "0"], in: consumer.path)
            Issue.record("vowels run --workers 0 succeeded")
        } catch let failure as CommandFailed {
            #expect(failure.description.contains("exited 2:\nvowels: invalid value '0' for --workers"), "\(failure)")
        }

        try Self.gate(consumer: consumer.path, lab: lab.path, git: git)
    }

    /// Scripts/ci-gate.sh as a CI job of the package runs it (Scripts/README.md): copied into
    /// the package, a base tagged, then a commit that counts three times the letters gated
    /// against it (never passed), and a revision that does not exist (2). Both builds share the
    /// package's .build, where the lab is already built. (A build against itself is ABTests':
    /// two more builds here would cost the suite half a minute.)
    static func gate(consumer: String, lab: String, git: [String]) throws {
        try FileManager.default.createDirectory(atPath: consumer + "/Scripts", withIntermediateDirectories: false)
        try FileManager.default.copyItem(
            atPath: ExampleTests.repository.appendingPathComponent("Scripts/ci-gate.sh").path,
            toPath: consumer + "/Scripts/ci-gate.sh")
        try "Results/\n.build/\n".write(toFile: consumer + "/.gitignore", atomically: true, encoding: .utf8)
        try Self.run(git + ["init", "-q"], in: consumer)
        try Self.run(git + ["add", "-A"], in: consumer)
        try Self.run(git + ["commit", "-q", "-m", "vowels"], in: consumer)
        try Self.run(git + ["tag", "gate-base"], in: consumer)
        let plan = [
            "--product", "vowels", "--workloads", "vowels", "--modes", "sequential", "--set", "vowels.letters=300000",
            "--warmup", "0",
            "--repetitions", "3", "--fail-if-slower", "10",
        ]
        let environment = ["WORKLOAD_LAB_URL": lab]
        let main = consumer + "/Sources/vowels/main.swift"
        let source = try String(contentsOfFile: main, encoding: .utf8)
        try #require(source.contains("for _ in 0..<letters {"))
        try source.replacingOccurrences(of: "for _ in 0..<letters {", with: "for _ in 0..<letters * 3 {").write(
            toFile: main, atomically: true, encoding: .utf8)
        try Self.run(git + ["commit", "-q", "-am", "three times the letters"], in: consumer)
        try Self.run(git + ["tag", "gate-slower"], in: consumer)
        let (slower, slowerOutput) = try Self.outcome(
            ["bash", "Scripts/ci-gate.sh", "gate-base"] + plan, in: consumer, environment: environment)
        // Slower (1), or slower but disturbed (3), or not yet told apart (4): never passed.
        #expect([1, 3, 4].contains(slower), "\(slowerOutput)")
        #expect(
            slowerOutput.contains("ci-gate: building vowels at gate-base and at HEAD (release)")
                && slowerOutput.contains("3 rounds alternating"), "\(slowerOutput)")
        #expect(slowerOutput.contains("vowels sequential"), "\(slowerOutput)")
        #expect(slowerOutput.contains("ci-gate: exit \(slower); the runs are in Results/ci-gate-"), "\(slowerOutput)")

        let (bad, badOutput) = try Self.outcome(
            ["bash", "Scripts/ci-gate.sh", "no-such-revision"], in: consumer, environment: environment)
        #expect(
            bad == 2 && badOutput.contains("ci-gate: 'no-such-revision' is not a revision of this repository"),
            "\(badOutput)")
    }
}
