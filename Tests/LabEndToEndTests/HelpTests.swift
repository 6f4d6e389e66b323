import Foundation
import Testing

@Suite struct HelpTests {
    @Test("lab --help and lab help show the commands")
    func overview() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        for arguments in [["--help"], ["-h"], ["help"]] {
            let outcome = try lab.run(arguments)
            #expect(outcome.status == 0)
            #expect(outcome.standardOutput.contains("USAGE: lab <command> [options]"))
            #expect(outcome.standardOutput.contains("run ") && outcome.standardOutput.contains("list "))
            #expect(!outcome.standardOutput.contains("\n  worker"), "the worker command is hidden")
        }
        let bare = try lab.run([])
        #expect(bare.status == 2)
        #expect(bare.standardError.contains("USAGE: lab <command> [options]"))
    }

    @Test("lab run --help lists every option with its default and an example")
    func runHelp() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run(["run", "--help"])
        #expect(outcome.status == 0)
        for option in [
            "--workloads", "--modes", "--workers", "--tasks", "--repetitions", "--warmup", "--set", "--quick", "--out",
            "--quiet",
        ] {
            #expect(outcome.standardOutput.contains("  \(option)"), "\(option)")
        }
        #expect(outcome.standardOutput.contains("(default: 5)"))
        #expect(outcome.standardOutput.contains("EXAMPLES:"))
        #expect(lab.contents().isEmpty)
    }

    @Test("lab list shows each workload's kind, parameters, defaults and units")
    func list() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let all = try lab.run(["list"])
        #expect(all.status == 0)
        #expect(all.standardOutput.contains("primes (cpu): "))
        #expect(all.standardOutput.contains("sleep (io): "))
        #expect(all.standardOutput.contains("limit: default 9000000, quick 300000, unit count"))
        let one = try lab.run(["list", "sleep"])
        #expect(one.standardOutput.hasPrefix("sleep (io): "))
        #expect(!one.standardOutput.contains("primes"))
    }
}
