import Foundation
import LabReport
import Testing

/// Every command that prints JSON prints what Results/README.md says it does: the top-level
/// keys its list names, rows keyed like the command's CSV, and a value a script can decode.
@Suite struct JSONOutputTests {
    /// The documented top-level keys of each command, from Results/README.md's list.
    static func documentedKeys() throws -> [String: Set<String>] {
        let page = try String(
            contentsOf: ExampleTests.repository.appendingPathComponent("Results/README.md"), encoding: .utf8)
        let start = try #require(page.range(of: "## JSON for scripts"))
        var keys: [String: Set<String>] = [:]
        let section = page[start.upperBound...].split(separator: "\n").prefix(while: { !$0.hasPrefix("## ") })
        for line in section where line.hasPrefix("- `lab ") {
            let command = String(line.dropFirst("- `lab ".count).prefix { $0 != "`" })
            // The keys: backticked words after the colon, outside parentheses (those name what a row holds).
            var depth = 0
            var outside = ""
            for character in line.drop(while: { $0 != ":" }) {
                if character == "(" {
                    depth += 1
                } else if character == ")" {
                    depth -= 1
                } else if depth == 0 {
                    outside.append(character)
                }
            }
            keys[command] = Set(
                outside.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
        }
        return keys
    }

    @Test(
        "every command's --format json decodes and has the documented keys, its rows keyed like its CSV (slow: it runs each command at a quick size)"
    )
    func documented() throws {
        let keys = try Self.documentedKeys()
        #expect(
            Set(keys.keys) == [
                "run", "scale", "crossover", "calibrate", "bench", "check", "explain", "predict", "compare",
                "sensitivity",
            ], "\(keys)")
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        try FileManager.default.createDirectory(atPath: lab.folder + "/Results", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: ExampleTests.repository.appendingPathComponent("Results/reference").path,
            toPath: lab.folder + "/Results/reference")
        let commands: [(String, [String], String?)] = [
            (
                "run",
                [
                    "run", "--workloads", "noop", "--quick", "--repetitions", "1", "--warmup", "0", "--out", "r",
                    "--quiet",
                ], "cells"
            ),
            (
                "scale",
                [
                    "scale", "--workload", "noop", "--quick", "--workers", "1,2", "--repetitions", "1", "--warmup", "0",
                    "--out", "s", "--quiet",
                ], "points"
            ),
            (
                "crossover",
                [
                    "crossover", "--workload", "primes", "--param", "limit", "--from", "1000", "--to", "2000",
                    "--repetitions", "1", "--bisections", "0", "--out", "c", "--quiet",
                ], "points"
            ),
            ("calibrate", ["calibrate", "--quick", "--transport", "pipe", "--out", "k", "--quiet"], "measurements"),
            (
                "bench", ["bench", "--quick", "--transport", "pipe", "--workloads", "noop", "--out", "b", "--quiet"],
                "measurements"
            ),
            ("check", ["check", "--seconds", "0.1"], "findings"),
            ("sensitivity", ["sensitivity", "Results/reference", "--repetitions", "2"], "rows"),
            ("explain", ["explain", "Results/reference", "--workload", "digest"], "workloads"),
            ("predict", ["predict", "Results/reference", "--workload", "digest", "--workers", "4"], "cells"),
            (
                "compare",
                [
                    "compare", "Results/reference", "Results/reference", "--fail-if-slower", "5", "--fail-if",
                    "workers_uss>10%",
                ], "cells"
            ),
        ]
        let csvFiles =
            [
                "run": nil, "scale": "s/scale.csv", "crossover": "c/crossover.csv", "calibrate": "k/calibration.csv",
                "bench": "b/bench.csv",
            ] as [String: String?]
        for (name, arguments, rowsKey) in commands {
            let outcome = try lab.run(arguments + ["--format", "json"])
            #expect(outcome.status == 0, "\(name): \(outcome.standardError)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any],
                "\(name): \(outcome.standardOutput)")
            let documented = try #require(keys[name])
            // compare's gate is there with --fail-if-slower only: this call gives it.
            #expect(
                Set(object.keys) == documented,
                "\(name): keys \(object.keys.sorted()), documented \(documented.sorted())")
            #expect(object["command"] as? String == name)
            if let rowsKey {
                let rows = try #require(object[rowsKey] as? [[String: Any]], "\(name): \(rowsKey)")
                #expect(!rows.isEmpty, "\(name): no \(rowsKey)")
                if let file = csvFiles[name] ?? nil {
                    let header = try #require(
                        try CSV.parse(String(contentsOfFile: lab.folder + "/" + file, encoding: .utf8)).first)
                    #expect(Set(rows[0].keys) == Set(header), "\(name): \(rows[0].keys.sorted())")
                }
            }
        }
        // A bad format is bad input, before anything runs.
        let bad = try lab.run(["scale", "--workload", "noop", "--format", "yaml"])
        #expect(
            bad.status == 2
                && bad.standardError == "lab: invalid value 'yaml' for --format; expected one of: text, json\n",
            "\(bad.standardError)")
        #expect(try lab.markedProcesses().isEmpty)
    }
}
