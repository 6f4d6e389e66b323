import LabReport
import Glibc
import LabCore

/// Writing to the terminal: results on standard output, messages and progress on standard
/// error (unbuffered, so they appear at once and never mix into piped results).
/// Everything written passes through ``Swift/String/shownOnTerminal``: a name or a field read
/// from a run folder can hold control characters, and they are shown, never sent.
/// In a package of a user's own, the help and messages name that binary (``ProgramName``).
enum Console {
    /// The name this binary was started by: `lab`, or a user's package's (`vowels`).
    static let programName: String = {
        let name = CommandLine.arguments.first?.split(separator: "/").last.map(String.init) ?? ""
        return name.isEmpty ? "lab" : name
    }()

    private static let commandNames = Set(LabCommandLine.commands.map { $0.name })

    static func output(_ text: String) {
        try? Platform.writeAll(
            STDOUT_FILENO, Array(ProgramName.rename(text.shownOnTerminal, to: programName, commands: commandNames).utf8)
        )
    }

    static func error(_ text: String) {
        try? Platform.writeAll(
            STDERR_FILENO, Array(ProgramName.rename(text.shownOnTerminal, to: programName, commands: commandNames).utf8)
        )
    }

    /// The one escape sequence the lab sends itself: back to the line's start and erase it,
    /// before a progress line is written anew.
    static func eraseLine() {
        try? Platform.writeAll(STDERR_FILENO, Array("\r\u{1B}[2K".utf8))
    }

    /// Whether standard error is a terminal (progress then updates one line in place).
    static var errorIsTerminal: Bool { Platform.isTerminal(STDERR_FILENO) }
}

/// Progress on standard error: one updating line on a terminal, plain lines otherwise.
final class ProgressDisplay {
    let enabled: Bool
    let interactive: Bool
    private(set) var total: Int
    private let clock = Stopwatch()
    /// Seconds spent per finished repetition, for the estimate of what remains.
    private var finished = 0

    init(quiet: Bool, total: Int) {
        enabled = !quiet
        interactive = Console.errorIsTerminal
        self.total = total
    }

    /// `elapsed 1m04s, about 2m10s left`, from the average time per repetition so far.
    private var timing: String {
        let elapsed = clock.elapsedSeconds
        guard finished > 0 else { return "elapsed \(ProgressDisplay.clockText(elapsed))" }
        let remaining = elapsed / Double(finished) * Double(total - finished)
        return "elapsed \(ProgressDisplay.clockText(elapsed)), about \(ProgressDisplay.clockText(remaining)) left"
    }

    static func clockText(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 60 ? "\(whole / 60)m\(whole % 60 < 10 ? "0" : "")\(whole % 60)s" : "\(whole)s"
    }

    func show(_ event: ExperimentEvent) {
        guard enabled else { return }
        switch event {
        case .willRun(let cell, let repetition, let isWarmup, let position, let total):
            let what = isWarmup ? "warm-up \(repetition)" : "repetition \(repetition)"
            let counter = "[\(String(position).leftPadded(to: String(total).count))/\(total)]"
            finished = position - 1
            self.total = total
            if interactive {
                // One line, rewritten in place; plain text, so NO_COLOR has nothing to turn off.
                Console.eraseLine()
                Console.error("\(counter) \(cell.label), \(what); \(timing)")
            } else {
                Console.error("\(counter) \(cell.label), \(what)\n")
            }
        case .recorded(let record):
            if record.status == .failed {
                if interactive { Console.error("\n") }
                Console.error(
                    "lab: repetition \(record.repetition) of \(record.workload) \(record.cellLabel) failed: "
                        + "\(record.error ?? "")\n"
                )
            }
        case .timeline:
            break
        }
    }

    func finish() {
        if enabled, interactive { Console.eraseLine() }
    }
}

/// `1 cell`, `3 cells`.
func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}

/// The last line of a command that wrote a run folder: every file it wrote, its own first.
func wroteLine(_ own: [String], derived: DerivedFiles, in path: String) -> String {
    let timelines = derived.files.filter { $0.name.hasPrefix(RunFolder.timelinePrefix) }.count
    var names = own + [RunFolder.resultsName, TimelineFiles.tasksName, TimelineFiles.lanesName]
    names += derived.files.map(\.name).filter { !$0.hasPrefix(RunFolder.timelinePrefix) && $0 != TraceFile.name }
    if timelines > 0 {
        names += ["\(counted(timelines, "timeline")) (\(RunFolder.timelinePrefix)*.svg)", TraceFile.name]
    }
    return "wrote " + names.joined(separator: ", ") + " and \(RunFolder.descriptionName) in \(path)/\n"
}
