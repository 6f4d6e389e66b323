import LabCore
import LabReport
import Workloads

/// `lab bench`: the lab's own overhead near the machine's limits, against the goals of
/// issue 7, as ratios taken in one run.
struct BenchCommand {
    let parser = CommandLineParser(command: "bench", options: [
        OptionSpec("--out", value: "DIR", expected: "a folder path that does not exist yet", default: "Results/<run-id>",
                   help: "The folder to create for bench.csv; it must not exist yet."),
        OptionSpec("--quick", help: "About a tenth of the sizes (10,000 and 100,000 noop tasks, primes at its quick limit), 3 repetitions: checks that the bench works, not the goals."),
        OptionSpec("--quiet", help: "No progress lines on standard error."),
    ])

    var help: String {
        """
        USAGE: lab bench [--out DIR] [--quick] [--quiet]

        Measures the lab's own overhead with the noop and primes workloads and holds it to
        its goals: an empty task through 1 worker process (100,000 tasks, one by one) within
        1.5x of a raw pipe round trip between two processes; an empty task on 2 threads
        (1,000,000 tasks) under 1 us; a pool of N workers ready in no more than N spawns
        one after another; primes at 2 threads and at 2 processes at least 1.9x faster than
        sequential (median of 5). Prints a table with the goals and writes bench.csv
        (measurement, value, unit, goal, meets_goal, detail). Takes about 30 s.
        Use a release build on an otherwise idle machine: 'swift run -c release lab bench'.

        OPTIONS:
        \(parser.optionsHelp())
          -h, --help
              Show this help.

        """
    }

    func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parser.parse(arguments)
        if let extra = parsed.positionals.first { throw UsageError.unexpectedArgument(extra, command: "bench") }
        let (executablePath, path, _) = try CommandSupport.prepareOutput(parsed, command: "bench")
        let quiet = parsed.has("--quiet")
        let benchmark = Benchmark(executablePath: executablePath, noop: Noop.self, cpuBound: Primes.self, quick: parsed.has("--quick"))
        let results = try benchmark.run { step in
            if !quiet { Console.error("lab: bench: \(step)\n") }
        }
        let header = ["measurement", "value", "unit", "goal", "meets_goal", "detail"]
        let rows = results.map {
            [$0.measurement, NumberFormatting.fixed($0.value, decimals: 3), $0.unit, $0.goal, $0.meetsGoal.map { $0 ? "yes" : "no" } ?? "", $0.detail]
        }
        try Platform.replaceFile(atPath: path + "/bench.csv", with: Array((CSV.record(header) + rows.map(CSV.record).joined()).utf8))
        var text = "measurement".padded(to: 40) + "value".leftPadded(to: 12) + "   goal      met\n"
        for result in results {
            // Ratios get three decimals, so that a value just under its goal does not print as the goal.
            let value = NumberFormatting.fixed(result.value, decimals: result.unit == "x" ? 3 : 2) + " " + result.unit
            let met = result.meetsGoal.map { $0 ? "yes" : "NO" } ?? ""
            let line = result.measurement.padded(to: 40) + value.leftPadded(to: 12) + "   " + result.goal.padded(to: 10) + met
            text += line.trimmingWhitespace() + "\n"
        }
        let missed = results.filter { $0.meetsGoal == false }.map(\.measurement)
        text += missed.isEmpty ? "\nevery goal met\n" : "\ngoals missed: \(missed.joined(separator: ", "))\n"
        Console.output(text + "wrote \(path)/bench.csv\n")
        return 0
    }
}
