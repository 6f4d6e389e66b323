import Dispatch
import Glibc
import LabCore

/// Ctrl-C (SIGINT) and SIGTERM during a run: stop and reap every worker, keep the rows
/// already written (each was written whole), and exit with 128 + the signal number.
enum SignalHandling {
    /// Keeps the dispatch sources alive for as long as the value is.
    struct Installation: @unchecked Sendable {
        // @unchecked: the sources are only kept alive, never touched after installation.
        let sources: [any DispatchSourceSignal]
    }

    /// Installs handlers for SIGINT and SIGTERM. On either, `onSignal` runs (it must stop the
    /// workers and write what the run has), then the lab exits with 128 + signal.
    static func install(onSignal: @escaping @Sendable (Int32) -> Void) -> Installation {
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            // The default action would kill the lab before it could stop its workers.
            Platform.ignoreSignal(number)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                onSignal(number)
                Platform.exitImmediately(128 + number)
            }
            source.resume()
            return source
        }
        return Installation(sources: sources)
    }
}
