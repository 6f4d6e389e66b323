import Foundation

extension Platform {
    /// A helper program run as a child of this process through Foundation's `Process`: a
    /// `lab` copy run to its end (`lab ab`, `lab refresh-docs`), `lab calibrate`'s peers, and
    /// `/bin/true` when calibrate times `Process.run()` itself. Workers are not started this
    /// way: they are spawned with ``spawn(_:arguments:environment:input:output:)`` or forked
    /// by the fork server. Foundation's `Process` keeps threads of its own to watch its
    /// children, and on Linux adds a close action to the spawn for every descriptor open
    /// in this process (`lab calibrate` measures what that costs).
    package final class Subprocess {
        private let process = Process()

        /// - Parameters:
        ///   - environment: variables added to this process's environment (none: it is
        ///     inherited as it is).
        ///   - directory: the child's working directory (nil: this process's).
        ///   - input, output, error: a `FileHandle` or a `Pipe`, as `Process` takes them; nil
        ///     inherits this process's.
        package init(
            _ executable: String, arguments: [String], environment: [String: String] = [:], directory: String? = nil,
            input: Any? = nil, output: Any? = nil, error: Any? = nil
        ) {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            if !environment.isEmpty {
                process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
            }
            if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
            if let input { process.standardInput = input }
            if let output { process.standardOutput = output }
            if let error { process.standardError = error }
        }

        /// Starts the child. The corresponding call is `Process.run()` (`posix_spawn`).
        package func run() throws {
            try process.run()
        }

        /// The child's process ID; 0 before ``run()``.
        package var processID: Int32 { process.processIdentifier }

        /// Whether the child has started and not yet ended.
        package var isRunning: Bool { process.isRunning }

        /// Waits for the child to end; its exit status (or, killed, the signal's number).
        @discardableResult
        package func wait() -> Int32 {
            process.waitUntilExit()
            return process.terminationStatus
        }
    }
}
