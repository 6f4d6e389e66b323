import Foundation
import Testing

/// Every example in every help text and every `lab` command the README shows is run: the
/// commands that measure with `--dry-run` (they validate every option and parameter and
/// create nothing; a real run takes minutes), the others for real, in a folder that holds
/// copies of the committed reference run under the names the examples use.
@Suite struct ExampleTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let measuring: Set<String> = ["run", "crossover", "bench", "calibrate", "scale"]

    /// A command line as the docs show it: `lab` or `swift run -c release lab` first,
    /// continuation lines joined, a trailing comment (two spaces, then words) dropped.
    static func arguments(of line: String) -> [String]? {
        var text = line
        for prefix in ["swift run -c release lab ", "lab "] where text.hasPrefix(prefix) {
            text.removeFirst(prefix.count)
            if let comment = text.range(of: "  ") { text = String(text[..<comment.lowerBound]) }
            return text.split(separator: " ").map(String.init)
        }
        return nil
    }

    /// The example lines of a help text: those after `EXAMPLE:` or `EXAMPLES:`.
    static func examples(in help: String) -> [[String]] {
        guard let start = help.range(of: "EXAMPLE") else { return [] }
        return commandLines(
            String(help[start.upperBound...]).split(separator: "\n").dropFirst().map {
                $0.trimmingCharacters(in: .whitespaces)
            }
        ).compactMap(arguments(of:))
    }

    /// Lines joined where one ends with a backslash.
    static func commandLines(_ lines: [String]) -> [String] {
        var joined: [String] = []
        var pending = ""
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix("\\") {
                // The space before the backslash is not a trailing comment's two spaces.
                pending += trimmed.dropLast().trimmingCharacters(in: .whitespaces) + " "
            } else {
                joined.append(pending + trimmed)
                pending = ""
            }
        }
        return joined
    }

    /// The front page and every reference page, each in the folder it describes.
    static let pages = [
        "README.md", "Sources/README.md", "Sources/LabCore/Execution/README.md", "Sources/LabReport/README.md",
        "Sources/LabCore/Measurement/README.md", "Sources/LabCore/Failure/README.md",
        "Sources/LabReport/a-folder-from-anyone.md",
        "Sources/LabReport/the-gate.md",
        "Sources/LabStudies/README.md", "Sources/LabStudies/downloads.md", "Sources/LabStudies/calibrate-and-bench.md",
        "Sources/LabCommandLine/README.md", "Workloads/README.md", "Results/README.md", "Scripts/README.md",
        "CHANGELOG.md",
    ]

    /// The anchor GitHub gives a heading: lower case, punctuation but `-` and `_` dropped,
    /// spaces made dashes.
    static func anchor(of heading: String) -> String {
        String(
            heading.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == " " }.map {
                $0 == " " ? "-" : $0
            })
    }

    /// The `lab` commands inside one page's code blocks, placeholders filled in.
    static func commands(in text: String) -> [[String]] {
        var inBlock = false
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inBlock.toggle(); continue }
            if inBlock { lines.append(String(line)) }
        }
        return commandLines(lines).flatMap { line -> [String] in
            line.replacingOccurrences(of: "Results/<run-id>", with: "Results/20261125T121659Z")
                .replacingOccurrences(
                    of: "compare A B", with: "compare Results/20261125T121659Z Results/20261126T090000Z"
                )
                .components(separatedBy: ", lab ").enumerated().map {
                    $0.offset == 0 ? $0.element : "lab " + $0.element
                }
        }.compactMap(arguments(of:))
            // A workload the README's reader scaffolds first is not in this binary.
            .filter { !$0.contains("my-work") }
    }

    /// Runs one documented command line and checks that it works as shown.
    func check(_ arguments: [String], from source: String) throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let reference = Self.repository.appendingPathComponent("Results/reference").path
        // A folder to resume: a short run of the same command, stopped before its last row.
        let resumed = arguments.firstIndex(of: "--resume").map { arguments[$0 + 1] }
        if let resumed {
            try prepareResumable(resumed, command: arguments[0], in: lab)
        }
        // Every run folder an example names, as a copy of the reference run.
        // (once each: an example may name one folder twice, as baseline and candidate).
        // A file inside one (Results/reference/calibration-one-core.csv) comes with its copy.
        let folders = Set(
            arguments.filter { $0.hasPrefix("Results/") && $0 != resumed }.map {
                $0.split(separator: "/").prefix(2).joined(separator: "/")
            })
        for folder in folders {
            try FileManager.default.createDirectory(atPath: lab.folder + "/Results", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: reference, toPath: lab.folder + "/" + folder)
        }
        if arguments.contains("--embed") {
            try FileManager.default.copyItem(
                atPath: Self.repository.appendingPathComponent("README.md").path, toPath: lab.folder + "/README.md")
        }
        // `lab ab` takes two lab binaries: the examples name the release build, which need not
        // exist when the tests run; this test's lab stands in for it.
        let arguments = arguments.map { $0 == ".build/release/lab" ? LabBinary.path : $0 }
        let dryRun = arguments.first.map(Self.measuring.contains) ?? false
        let before = lab.contents()
        let outcome = try lab.run(arguments + (dryRun && !arguments.contains("--help") ? ["--dry-run"] : []))
        #expect(outcome.status == 0, "\(source): lab \(arguments.joined(separator: " ")): \(outcome.standardError)")
        #expect(!outcome.standardOutput.isEmpty, "\(source): lab \(arguments.joined(separator: " "))")
        if dryRun, !arguments.contains("--help") {
            #expect(outcome.standardOutput.hasPrefix("lab: dry run: "), "\(outcome.standardOutput)")
            #expect(lab.contents() == before, "\(source): \(lab.contents())")
            if resumed != nil {
                #expect(outcome.standardOutput.hasPrefix("lab: dry run: resume "), "\(outcome.standardOutput)")
            }
        }
    }

    /// Makes `folder` as `command` leaves it when stopped before its end: a short real run
    /// with its last row taken away and run.json marked partial.
    func prepareResumable(_ folder: String, command: String, in lab: LabBinary) throws {
        let plans = [
            "run": ["--workloads", "noop", "--quick", "--repetitions", "2", "--warmup", "0"],
            "scale": ["--workload", "noop", "--quick", "--workers", "1,2", "--repetitions", "1", "--warmup", "0"],
            "crossover": [
                "--workload", "primes", "--param", "limit", "--from", "1000", "--to", "2000", "--repetitions", "1",
                "--bisections", "0",
            ],
        ]
        let made = try lab.run([command] + (plans[command] ?? []) + ["--out", folder, "--quiet"])
        #expect(made.status == 0, "\(made.standardError)")
        try lab.cutShort(folder, droppingRows: 1)
    }

    @Test(
        "every example in every help text runs as shown",
        arguments: [
            "", "run", "list", "check", "report", "explain", "predict", "compare", "calibrate", "bench", "crossover",
            "scale", "ab", "sensitivity",
        ])
    func helpExamples(command: String) throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let help = try lab.run(command.isEmpty ? ["--help"] : [command, "--help"])
        #expect(help.status == 0)
        let examples = Self.examples(in: help.standardOutput)
        #expect(!examples.isEmpty, "no examples in the help of '\(command)'")
        for example in examples {
            try check(example, from: "lab \(command) --help")
        }
    }

    @Test("every lab command on the front page and the reference pages runs as shown", arguments: pages)
    func readme(page: String) throws {
        let commands = Self.commands(
            in: try String(contentsOf: Self.repository.appendingPathComponent(page), encoding: .utf8))
        if page == "README.md" { #expect(commands.count >= 3, "\(commands)") }
        for command in commands {
            try check(command, from: page)
        }
    }

    @Test("an example continued over lines keeps every argument, and a trailing comment is dropped")
    func continuedExample() {
        let help = "EXAMPLES:\n  lab ab A B --workloads primes \\\n         --modes threads --quick  # a comment\n"
        #expect(
            Self.examples(in: help) == [["ab", "A", "B", "--workloads", "primes", "--modes", "threads", "--quick"]])
    }

    @Test("lab help --help and lab help help show the overview, as lab --help does")
    func helpOfHelp() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let overview = try lab.run(["--help"])
        for arguments in [["help", "--help"], ["help", "help"], ["help"]] {
            let outcome = try lab.run(arguments)
            #expect(
                outcome.status == 0 && outcome.standardOutput == overview.standardOutput,
                "\(arguments): \(outcome.standardError)")
        }
    }

    @Test("the front page stays short and links every reference page, and each links back")
    func pagesLinked() throws {
        let front = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(front.split(separator: "\n", omittingEmptySubsequences: false).count <= 300)
        for page in Self.pages.dropFirst() {
            #expect(front.contains("](\(page))"), "README.md does not link \(page)")
            let text = try String(contentsOf: Self.repository.appendingPathComponent(page), encoding: .utf8)
            #expect(text.contains("[Back to the front page]("), "\(page) does not link back")
            #expect(
                text.split(separator: "\n", omittingEmptySubsequences: false).count <= 401, "\(page) is over 400 lines")
        }
    }

    @Test("every link between the pages leads to a page that exists, and to a heading it has", arguments: pages)
    func links(page: String) throws {
        let text = try String(contentsOf: Self.repository.appendingPathComponent(page), encoding: .utf8)
        let folder = URL(fileURLWithPath: page).deletingLastPathComponent().relativePath
        var rest = text[...]
        while let open = rest.range(of: "]("), let close = rest[open.upperBound...].firstIndex(of: ")") {
            let target = String(rest[open.upperBound..<close])
            rest = rest[close...]
            if target.hasPrefix("http") || target.hasPrefix("mailto:") || target.contains(" ") { continue }
            let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let file = parts[0].isEmpty ? page : (folder == "." ? parts[0] : folder + "/" + parts[0])
            let url = Self.repository.appendingPathComponent(file).standardized
            #expect(FileManager.default.fileExists(atPath: url.path), "\(page) links \(target): no such file")
            guard parts.count == 2, let linked = try? String(contentsOf: url, encoding: .utf8) else { continue }
            let anchors = linked.split(separator: "\n").filter { $0.hasPrefix("#") }.map {
                Self.anchor(of: $0.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces))
            }
            #expect(
                anchors.contains(parts[1]),
                "\(page) links \(target): \(parts[0].isEmpty ? page : parts[0]) has no heading with that anchor")
        }
    }
}
