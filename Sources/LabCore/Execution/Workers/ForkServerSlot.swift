import Synchronization

/// Where a runner keeps its fork server: started on first use, by the thread that runs the
/// cells, and stopped at the end of the run. A server that cannot start fails the cells that
/// need it (their workers cannot start), not the run.
final class ForkServerSlot: Sendable {
    private let state = Mutex<ForkServer?>(nil)

    /// The running server, started now if need be, or why it cannot start.
    func server(command: WorkerExecutable, registry: ChildProcessRegistry) -> Result<ForkServer, ExecutionError> {
        state.withLock { state in
            if let server = state { return .success(server) }
            do throws(ExecutionError) {
                let server = try ForkServer(command: command, registry: registry)
                state = server
                return .success(server)
            } catch {
                return .failure(error)
            }
        }
    }

    func stop() {
        let server = state.withLock { state in
            defer { state = nil }
            return state
        }
        server?.stop()
    }
}
