/// How to start a worker process: a binary, and the arguments that make it serve
/// ``WorkerService`` (for the `lab` binary, its hidden `worker` command). The engine is handed
/// them; it names no command-line verb itself.
package struct WorkerExecutable: Sendable, Equatable {
    package var executablePath: String
    package var arguments: [String]
    /// The arguments that make the same executable a fork server (`--start forkserver`).
    package var forkServerArguments: [String]

    package init(executablePath: String, arguments: [String], forkServerArguments: [String] = ["forkserver"]) {
        self.executablePath = executablePath
        self.arguments = arguments
        self.forkServerArguments = forkServerArguments
    }
}
