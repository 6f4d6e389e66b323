import Glibc
import LabCore

/// Writing to the terminal: results on standard output, messages and progress on standard
/// error (unbuffered, so they appear at once and never mix into piped results).
enum Console {
    static func output(_ text: String) {
        try? Platform.writeAll(STDOUT_FILENO, Array(text.utf8))
    }

    static func error(_ text: String) {
        try? Platform.writeAll(STDERR_FILENO, Array(text.utf8))
    }

    /// Whether standard error is a terminal (progress then updates one line in place).
    static var errorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}

/// Progress on standard error: one updating line on a terminal, plain lines otherwise.
struct ProgressDisplay {
    let enabled: Bool
    let interactive: Bool

    init(quiet: Bool) {
        enabled = !quiet
        interactive = Console.errorIsTerminal
    }

    func show(_ event: CoordinatorEvent) {
        guard enabled else { return }
        switch event {
        case .willRun(let cell, let repetition, let isWarmup, let position, let total):
            let what = isWarmup ? "warm-up \(repetition)" : "repetition \(repetition)"
            let counter = "[\(String(position).leftPadded(to: String(total).count))/\(total)]"
            if interactive {
                Console.error("\r\u{1B}[2K\(counter) \(cell.label), \(what)")
            } else {
                Console.error("\(counter) \(cell.label), \(what)\n")
            }
        case .recorded(let record):
            if record.status == .failed {
                if interactive { Console.error("\n") }
                Console.error("lab: repetition \(record.repetition) of \(record.workload) \(record.mode.rawValue) x\(record.workers) failed: \(record.error)\n")
            }
        }
    }

    func finish() {
        if enabled, interactive { Console.error("\r\u{1B}[2K") }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

/// `1 cell`, `3 cells`.
func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
