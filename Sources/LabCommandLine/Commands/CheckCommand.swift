import LabCore
import LabReport

/// `lab check`: the machine before measuring; each finding that would spoil numbers says what
/// to do. `lab run` makes the same check (a shorter look at the load) and records it.
struct CheckCommand: Command {
    static let name = "check"
    static let summary = [
        "Look at the machine before measuring: load, steal, counters, governor,",
        "swap, build; each warning says what to do.",
    ]

    init(registry: WorkloadRegistry) {}
    static let defaultSeconds = 1.0

    let options: [OptionSpec] = [
        OptionSpec(
            "--seconds", value: "SECONDS", expected: "a number of seconds from 0.1 to 60", default: "1",
            help: "How long to watch what the rest of the machine takes."),
        JSONSummary.formatOption,
    ]

    var help: String {
        """
        USAGE: lab check [--seconds SECONDS]

        Looks at this machine before you measure, as pyperf's 'system show' does: cores and
        SMT siblings, the frequency governor, what other processes and the hypervisor
        (steal) take now, which counters the lab can read (hardware counters, the
        scheduler's statistics), swap in use, and whether this lab is a debug build. Each
        finding is ok, a note, or a warning that says what to do. 'lab run' makes the same
        check before it starts, prints its warnings and records every finding in run.json.
        The exit status is 0 whatever it finds.

        OPTIONS:
        \(parser.optionsHelp())
          -h, --help
              Show this help.

        EXAMPLES:
          lab check
          lab check --seconds 3

        """
    }

    func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parser.parse(arguments)
        if let extra = parsed.positionals.first { throw UsageError.unexpectedArgument(extra, command: "check") }
        let json = try JSONSummary.wanted(parsed)
        let seconds =
            try parsed.value("--seconds").map {
                try parseNumber(
                    $0, option: "--seconds", range: 0.1...60, expected: "a number of seconds from 0.1 to 60")
            } ?? Self.defaultSeconds
        let check = MachineCheck.current(sampleSeconds: seconds, debugBuild: BuildInfo.configuration == "debug")
        if json {
            let findings = check.findings.map { ["topic": $0.topic, "level": $0.level.rawValue, "text": $0.text] }
            Console.output(
                try JSONSummary.document(["command": "check", "findings": findings, "warnings": check.warnings.count]))
            return 0
        }
        let width = check.findings.map(\.topic.count).max() ?? 0
        var text = "This machine, before measuring:\n"
        for finding in check.findings {
            text +=
                "  " + finding.level.rawValue.padded(to: 7) + "  " + finding.topic.padded(to: width) + "  "
                + finding.text + "\n"
        }
        let warnings = check.warnings.count
        text +=
            warnings == 0
            ? "no warnings: measure away\n" : "\(counted(warnings, "warning")): numbers measured now may mislead\n"
        Console.output(text)
        return 0
    }
}
