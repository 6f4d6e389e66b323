import Foundation
import LabCore
import LabReport

/// `lab refresh-docs [--tables | --only COMMAND] PAGE...`, hidden (`Scripts/refresh-docs.sh`
/// runs it from the checkout's top): remakes every sample and options table on the pages given
/// (``DocumentSamples``). Each sample's command runs with this same binary, in a fresh
/// folder where `Results/reference` is the checkout's reference run, so that a sample made by
/// this version says what this version prints for that command, and the line under it says
/// which version, build and machine made it. A page changes only when every one of its
/// samples was made. With `--only COMMAND` only the samples of that command are made (the
/// others, and the figures the prose around them cites, stay as they are).
struct RefreshDocsCommand: Command {
    static let name = "refresh-docs"
    static let summary: [String] = []
    let registry: WorkloadRegistry
    var help: String { "" }

    struct SampleFailed: Error, CustomStringConvertible {
        let description: String
    }

    func run(_ arguments: [String]) throws -> Int32 {
        // --tables: only the options tables, the samples as they are (a change of help text).
        let tablesOnly = arguments.first == "--tables"
        var arguments = tablesOnly ? Array(arguments.dropFirst()) : arguments
        // --only COMMAND: only that command's samples.
        var only: String?
        if arguments.first == "--only" {
            guard arguments.count >= 2 else {
                throw UsageError.other("--only needs a command name, such as 'calibrate'")
            }
            only = arguments[1]
            arguments.removeFirst(2)
        }
        guard !arguments.isEmpty else {
            throw UsageError.other(
                "name the pages to refresh: 'lab refresh-docs [--tables | --only COMMAND] README.md Sources/README.md'")
        }
        let checkout = FileManager.default.currentDirectoryPath
        let machine = MachineDescription.current()
        let today = UTCTime()
        let madeBy =
            "lab \(BuildInfo.labVersion), \(BuildInfo.configuration) build, \(machine.cpuModel) (\(machine.cores) "
            + "cores), \(today.iso8601.prefix(10))"
        for page in arguments {
            let text = try String(contentsOfFile: page, encoding: .utf8)
            var made = 0
            let refreshed = try DocumentSamples.refreshed(
                text,
                sample: { sample in
                    if tablesOnly || (only != nil && sample.arguments.first != only) { return sample.body }
                    made += 1
                    Console.error("refresh-docs: \(page): lab \(sample.arguments.joined(separator: " "))\n")
                    let output = try Self.output(of: sample.arguments, checkout: checkout)
                    return DocumentSamples.body(arguments: sample.arguments, output: output, madeBy: madeBy)
                },
                table: { name in
                    guard let type = LabCommandLine.commands.first(where: { $0.name == name && !$0.isHidden }) else {
                        throw UsageError.unknownCommand(name, known: LabCommandLine.listedNames)
                    }
                    return CommandLineParser(command: name, options: type.init(registry: registry).options)
                        .optionsTable()
                })
            if refreshed != text { try refreshed.write(toFile: page, atomically: true, encoding: .utf8) }
            Console.error("refresh-docs: \(page): \(made) samples, \(refreshed == text ? "unchanged" : "updated")\n")
        }
        return 0
    }

    /// What `lab ARGUMENTS` prints (``DocumentSamples/sampleText(standardOutput:standardError:status:)``),
    /// run in a fresh folder beside a link to the checkout's reference run.
    static func output(of arguments: [String], checkout: String) throws -> String {
        let folder = NSTemporaryDirectory() + "lab-refresh-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/Results", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createSymbolicLink(
            atPath: folder + "/Results/reference", withDestinationPath: checkout + "/Results/reference")
        let result = try ChildRun.run(try Platform.executablePath(), arguments, in: folder)
        // 1 (a failed repetition, a checksum mismatch), 2 (bad input) and 3 (a disturbed
        // comparison) are what a page may show; a crash is not.
        guard (0...3).contains(result.status) else {
            throw SampleFailed(
                description: "lab \(arguments.joined(separator: " ")) exited \(result.status): \(result.error)")
        }
        return DocumentSamples.sampleText(
            standardOutput: result.output, standardError: result.error, status: result.status)
    }
}
