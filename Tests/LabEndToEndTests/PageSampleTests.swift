import Foundation
import LabReport
import Testing

/// No page shows what this version would not print: every sample of `lab` output on a page
/// (``DocumentSamples``, remade by `Scripts/refresh-docs.sh`) is compared with what this
/// version prints for the same command, and every options table with the specs that make
/// `--help`. Commands that read committed data (the reference run) print the same text
/// whoever runs them, and are compared whole; commands that measure are run at their
/// marker's quick size and compared by shape (labels and columns, not numbers).
@Suite struct PageSampleTests {
    /// Commands whose output follows from their input alone.
    static let readOnly: Set<String> = ["explain", "compare", "report", "list", "help"]
    /// Commands that end with findings whose wording follows the numbers.
    static let withFindings: Set<String> = ["scale", "crossover", "bench"]

    /// What a sample's command prints here, as the refresh takes it.
    static func printed(_ arguments: [String]) throws -> String {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        try FileManager.default.createDirectory(atPath: lab.folder + "/Results", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: ExampleTests.repository.appendingPathComponent("Results/reference").path,
            toPath: lab.folder + "/Results/reference")
        let outcome = try lab.run(arguments)
        #expect(
            [0, 1, 2, 3].contains(outcome.status), "lab \(arguments.joined(separator: " ")): \(outcome.standardError)")
        #expect(try lab.markedProcesses().isEmpty)
        return DocumentSamples.sampleText(
            standardOutput: outcome.standardOutput, standardError: outcome.standardError, status: outcome.status)
    }

    @Test("every sample on a page is what this version prints for its command", arguments: ExampleTests.pages)
    func samples(page: String) throws {
        let text = try String(contentsOf: ExampleTests.repository.appendingPathComponent(page), encoding: .utf8)
        for sample in DocumentSamples.samples(in: text) {
            let name = sample.arguments.first ?? ""
            let where_ = "\(page), the sample of 'lab \(sample.arguments.joined(separator: " "))'"
            #expect(
                sample.body.contains("```text\n$ lab \(sample.arguments.joined(separator: " "))\n"),
                "\(where_) does not show its command")
            #expect(sample.body.contains("\n*lab "), "\(where_) does not say what made it")
            if Self.readOnly.contains(name) {
                let fresh = try Self.printed(sample.arguments)
                #expect(sample.output == fresh, "\(where_) differs from this version's output:\n\(fresh)")
            } else if name == "check" {
                // What the machine check finds depends on the moment (load, steal) and on the
                // build (this test's is a debug build); the rows it checks do not.
                let fresh = try Self.printed(sample.quickRun)
                func rows(_ text: String) -> Set<String> {
                    Set(
                        text.split(separator: "\n").filter { $0.hasPrefix("  ") }.compactMap {
                            $0.split(separator: " ").dropFirst().first.map(String.init)
                        })
                }
                #expect(
                    rows(sample.output) == rows(fresh),
                    "\(where_): rows \(rows(sample.output).sorted()) on the page, \(rows(fresh).sorted()) now")
                #expect(rows(fresh).count >= 5, "\(fresh)")
            } else {
                // This test's lab is a debug build, which says so, and the machine is busy with
                // other tests, which the lab warns of: lines of the moment, not of the version.
                let momentary = [
                    "debug build", "lab: warning: load:", "lab: warning: other processes or the hypervisor",
                ]
                let fresh = try Self.printed(sample.quickRun).split(separator: "\n", omittingEmptySubsequences: false)
                    .filter { line in !momentary.contains { line.contains($0) } }.joined(separator: "\n")
                let shown = sample.output.split(separator: "\n", omittingEmptySubsequences: false)
                    .filter { line in !momentary.contains { line.contains($0) } }.joined(separator: "\n")
                let difference = DocumentSamples.shapeDifference(
                    sample: shown, fresh: fresh, findingsByFirstWord: Self.withFindings.contains(name))
                #expect(
                    difference.onlyInSample.isEmpty && difference.onlyInFresh.isEmpty,
                    "\(where_): only on the page: \(difference.onlyInSample); only in this version's output (lab \(sample.quickRun.joined(separator: " "))): \(difference.onlyInFresh)"
                )
            }
        }
    }

    @Test("every options table on a page is the one its command's specs make", arguments: ExampleTests.pages)
    func optionTables(page: String) throws {
        let text = try String(contentsOf: ExampleTests.repository.appendingPathComponent(page), encoding: .utf8)
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        for table in DocumentSamples.optionTables(in: text) {
            let made = try lab.run(["help", table.command, "--markdown"])
            #expect(made.status == 0, "\(made.standardError)")
            #expect(
                table.body == made.standardOutput,
                "\(page): the options table of 'lab \(table.command)' is not what 'lab help \(table.command) --markdown' prints; run Scripts/refresh-docs.sh"
            )
        }
    }

    @Test(
        "every command a user types has its options table on the commands page, and the pages name no option that no command takes"
    )
    func everyCommandTabled() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let overview = try lab.run(["--help"]).standardOutput
        let commands = overview.split(separator: "\n", omittingEmptySubsequences: false).drop {
            !$0.hasPrefix("COMMANDS:")
        }.dropFirst().prefix { !$0.isEmpty }
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }.map { String($0.split(separator: " ")[0]) }
        #expect(commands.count >= 10, "\(commands)")
        var tabled: [String] = []
        var known: Set<String> = ["--help", "--version", "--markdown"]
        for page in ExampleTests.pages {
            let text = try String(contentsOf: ExampleTests.repository.appendingPathComponent(page), encoding: .utf8)
            tabled += DocumentSamples.optionTables(in: text).map(\.command)
        }
        for command in commands where !["help", "list"].contains(command) {
            #expect(tabled.contains(command), "no page has the options table of 'lab \(command)'")
            let table = try lab.run(["help", command, "--markdown"]).standardOutput
            for row in table.split(separator: "\n").dropFirst(2) {
                if let name = row.split(separator: "`").dropFirst().first?.split(separator: " ").first {
                    known.insert(String(name))
                }
            }
        }
        // Options of other programs the pages show beside the lab's.
        let others: Set<String> = [
            "--experiments", "--python", "--lab", "--reference", "--tables", "--only", "--static-swift-stdlib",
            "--build-path", "--product", "--filter", "--skip-build", "--build-tests", "--branch", "--strict",
        ]
        // The changelog names what older versions took, and what a test once tried.
        for page in ExampleTests.pages where page != "CHANGELOG.md" {
            let text = try String(contentsOf: ExampleTests.repository.appendingPathComponent(page), encoding: .utf8)
            let named = text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-") }).filter {
                $0.hasPrefix("--") && $0.dropFirst(2).first?.isLetter == true
            }.map(String.init)
            for option in Set(named) where !known.contains(option) && !others.contains(option) {
                Issue.record("\(page) names \(option), which no lab command takes")
            }
        }
    }
}
