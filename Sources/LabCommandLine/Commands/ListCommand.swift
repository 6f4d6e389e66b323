import LabCore

/// `lab list [WORKLOAD...]`: the workloads with their kind, description and parameters.
struct ListCommand: Command {
    static let name = "list"
    static let summary = [
        "List the workloads, their kind and parameters."
    ]
    let registry: WorkloadRegistry

    var help: String {
        """
        USAGE: lab list [WORKLOAD ...]

        Lists every workload (or the named ones) with its kind, what it does, its default
        task count, and its parameters: name, default, quick value (--quick), unit, valid
        range and meaning.
        Set a parameter for a run with --set WORKLOAD.PARAM=VALUE.

        OPTIONS:
          -h, --help
              Show this help.

        EXAMPLES:
          lab list
          lab list primes sleep

        """
    }

    func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try CommandLineParser(command: Self.name, options: []).parse(arguments)
        let types =
            try parsed.positionals.isEmpty ? registry.types : parsed.positionals.map { try registry.type(named: $0) }
        var text = ""
        for type in types {
            text += "\(type.name) (\(type.kind.rawValue)): \(type.summary)\n"
            if !type.isInDefaultPlan { text += "  not in the default plan: run it with --workloads \(type.name)\n" }
            if let defaults = try? type.parameters(), let quick = try? type.parameters(quick: true) {
                text +=
                    "  tasks: default \(type.defaultTaskCount(for: defaults)), quick "
                    + "\(type.defaultTaskCount(for: quick)) (set with --tasks)\n"
            }
            for spec in type.parameters {
                let unit = spec.unit.isEmpty ? "" : ", unit \(spec.unit)"
                text +=
                    "  \(spec.name): default \(spec.defaultValue), quick \(spec.quickValue)\(unit); "
                    + "\(spec.expectation)\n"
                text += wrap(spec.summary, width: 74).map { "      \($0)\n" }.joined()
            }
            text += "\n"
        }
        Console.output(text)
        return 0
    }
}
