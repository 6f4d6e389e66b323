import LabCore

/// What several commands parse or prepare alike, written once.
enum CommandSupport {
    static let batchRange = 1...100_000
    static let batchExpectation = "auto or an integer from 1 to \(batchRange.upperBound)"

    /// `--batch`, as `lab run` and `lab crossover` take it.
    static func batchOption(help: String) -> OptionSpec {
        OptionSpec("--batch", value: "N|auto", expected: batchExpectation, default: "auto", help: help)
    }

    /// The value of `--batch`: `auto` (also when absent) or a number of tasks.
    static func batch(_ parsed: ParsedArguments) throws(UsageError) -> BatchSize {
        guard let text = parsed.value("--batch"), text != "auto" else { return .automatic }
        return .fixed(try parseInteger(text, option: "--batch", range: batchRange, expected: batchExpectation))
    }

    /// The value of `--out`, refusing an empty one; `nil` when absent.
    static func requestedOut(_ parsed: ParsedArguments) throws(UsageError) -> String? {
        if let out = parsed.value("--out"), out.isEmpty {
            throw .invalidValue(option: "--out", value: out, expected: "a folder path that does not exist yet")
        }
        return parsed.value("--out")
    }

    /// The start of a command that measures into a folder of its own (calibrate, bench,
    /// crossover), once its input is valid: refuses an empty `--out`, finds the lab's own
    /// binary for the workers, creates the folder, and warns about a debug build.
    /// - Returns: the binary's path, the folder's path and the run ID.
    static func prepareOutput(_ parsed: ParsedArguments, command: String) throws -> (executablePath: String, path: String, runID: String) {
        let requested = try requestedOut(parsed)
        let executablePath = try Platform.executablePath()
        let (path, runID) = try OutputFolder.create(requested: requested)
        #if DEBUG
        Console.error("lab: warning: this is a debug build; its timings are not representative. Use 'swift run -c release lab \(command)'.\n")
        #endif
        return (executablePath, path, runID)
    }
}
