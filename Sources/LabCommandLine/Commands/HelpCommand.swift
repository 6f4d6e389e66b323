import LabCore

/// `lab help [COMMAND] [--markdown]`: the overview, or one command's help, or its options as
/// the Markdown table the reference pages show. Its own help is the overview.
struct HelpCommand: Command {
    static let name = "help"
    static let summary = [
        "Show help for a command: 'lab help run'; its options as a Markdown", "table: 'lab help run --markdown'.",
    ]
    let registry: WorkloadRegistry
    var help: String { LabCommandLine.overview }

    func run(_ arguments: [String]) throws -> Int32 {
        let markdown = arguments.contains("--markdown")
        let words = arguments.filter { $0 != "--markdown" }
        guard let name = words.first, !["--help", "-h", Self.name].contains(name) else {
            if markdown {
                throw UsageError.other(
                    "--markdown shows one command's options; name the command: 'lab help run --markdown'")
            }
            Console.output(help)
            return 0
        }
        if let extra = words.dropFirst().first { throw UsageError.unexpectedArgument(extra, command: Self.name) }
        guard let type = LabCommandLine.commands.first(where: { $0.name == name && !$0.isHidden }) else {
            throw UsageError.unknownCommand(name, known: LabCommandLine.listedNames)
        }
        let command = type.init(registry: registry)
        Console.output(
            markdown ? CommandLineParser(command: name, options: command.options).optionsTable() : command.help)
        return 0
    }
}
