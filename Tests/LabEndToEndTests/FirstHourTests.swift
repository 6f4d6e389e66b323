import Foundation
import LabReport
import Testing

/// The front page as a new user follows it: after the quick start's two commands, every `lab`
/// command the page shows, in the order it shows them, in a folder that holds what a fresh
/// clone has (the reference run, the README), each run folder named where the page writes
/// `Results/<run-id>`. Slow by nature: it runs every command for real, the measuring ones at
/// their quick size.
@Suite struct FirstHourTests {
    /// One step of the page: the arguments after `lab`.
    static func steps(of page: String) -> [[String]] {
        var steps: [[String]] = []
        var inFence = false
        var prose: [String] = []
        var lines = page.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[...]
        func command(_ text: String) -> [String]? {
            ExampleTests.arguments(of: text.hasPrefix("$ ") ? String(text.dropFirst(2)) : text)
        }
        // Commands in the prose, in code spans (a span may run over a line break).
        func flushProse() {
            let text = prose.joined(separator: " ")
            for (offset, span) in text.components(separatedBy: "`").enumerated() where offset % 2 == 1 {
                if let arguments = command(span) { steps.append(arguments) }
            }
            prose = []
        }
        while let line = lines.popFirst() {
            if line.hasPrefix("<!-- lab:sample "),
                let sample = DocumentSamples.samples(in: line + "\n<!-- /lab:sample -->\n").first
            {
                flushProse()
                steps.append(sample.quickRun)
                // Its code block is its output, not steps of its own.
                while let next = lines.popFirst(), next != "<!-- /lab:sample -->" {}
                continue
            }
            if line.hasPrefix("```") {
                flushProse()
                inFence.toggle()
                continue
            }
            if inFence {
                if let arguments = command(line.trimmingCharacters(in: .whitespaces)) { steps.append(arguments) }
            } else if line.isEmpty {
                flushProse()
            } else {
                prose.append(line)
            }
        }
        flushProse()
        return steps
    }

    @Test(
        "every lab command on the front page, in order, works after nothing but the quick start (slow: it runs each one)"
    )
    func frontPage() throws {
        let page = try String(contentsOf: ExampleTests.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let steps = Self.steps(of: page)
        #expect(steps.count >= 6, "\(steps)")
        #expect(steps.first == ["run"], "the quick start's run comes first: \(steps)")
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        try FileManager.default.createDirectory(atPath: lab.folder + "/Results", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: ExampleTests.repository.appendingPathComponent("Results/reference").path,
            toPath: lab.folder + "/Results/reference")
        try FileManager.default.copyItem(
            atPath: ExampleTests.repository.appendingPathComponent("README.md").path, toPath: lab.folder + "/README.md")
        var made: [String] = []
        for var step in steps {
            // A workload the reader scaffolds first (Scripts/new-workload.sh) is in the lab only
            // after a rebuild of it, which this test does not make.
            if step.contains(where: { $0.contains("my-work") }) { continue }
            step = step.map { $0 == "Results/<run-id>" ? "Results/" + (made.last ?? "none") : $0 }
            // A run at its quick size, once (a --set on the page still wins over --quick).
            if step.first == "run" {
                step =
                    DocumentSamples.Sample(
                        arguments: step, quickArguments: ["--quick", "--repetitions", "1", "--warmup", "0"], body: ""
                    ).quickRun
            }
            let before = Set(try FileManager.default.contentsOfDirectory(atPath: lab.folder + "/Results"))
            let outcome = try lab.run(step)
            #expect(outcome.status == 0, "lab \(step.joined(separator: " ")): \(outcome.standardError)")
            made += try FileManager.default.contentsOfDirectory(atPath: lab.folder + "/Results").filter {
                !before.contains($0)
            }.sorted()
        }
        #expect(made.count >= 3, "\(made)")
        #expect(try lab.markedProcesses().isEmpty)
    }
}
