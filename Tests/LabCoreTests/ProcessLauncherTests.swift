import Foundation
import Testing

@testable import LabCore

/// Linux kills a child whose parent-death signal is set (as every worker sets it) when the
/// *thread* that started it ends. Children started through the launcher live on after the
/// thread that asked for them ends; a child started on that thread itself dies with it.
@Suite struct ProcessLauncherTests {
    /// A child that asks for SIGKILL at its parent's death (util-linux's setpriv, as a worker
    /// does with prctl), says `ready` once it has, and otherwise lives one second, then exits 0.
    static func child() -> (process: Process, output: Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--pdeathsig", "KILL", "--", "/bin/sh", "-c", "echo ready; sleep 1; exit 0"]
        let output = Pipe()
        process.standardOutput = output
        return (process, output)
    }

    /// Starts `process` on a thread of its own that ends as soon as the child has set its
    /// parent-death signal, as a driver thread ends after its tasks.
    static func startOnPassingThread(_ child: (process: Process, output: Pipe), launcher: Bool) throws {
        let box = UncheckedBox(child.process)
        let output = child.output.fileHandleForReading
        let thread = try JoinableThread {
            if launcher {
                try? ProcessLauncher.shared.run { try box.value.run() }
            } else {
                try? box.value.run()
            }
            _ = try? output.read(upToCount: 6)
        }
        thread.join()
    }

    final class UncheckedBox: @unchecked Sendable {
        // One thread touches it at a time: the passing thread's, then (after the join) the test's.
        let value: Process
        init(_ value: Process) { self.value = value }
    }

    @Test(
        "a child started through the launcher outlives the thread that asked for it; one started on that thread is killed as it ends"
    )
    func childOutlivesThread() throws {
        let launched = Self.child()
        let direct = Self.child()
        try Self.startOnPassingThread(launched, launcher: true)
        try Self.startOnPassingThread(direct, launcher: false)
        launched.process.waitUntilExit()
        direct.process.waitUntilExit()
        #expect(launched.process.terminationReason == .exit && launched.process.terminationStatus == 0)
        // The control: on this kernel the parent-death signal really is the thread's.
        #expect(direct.process.terminationReason == .uncaughtSignal && direct.process.terminationStatus == SIGKILL)
    }

    @Test("a start that throws gives its error back to the caller, and the launcher goes on starting others")
    func errorsComeBack() throws {
        let missing = Process()
        missing.executableURL = URL(fileURLWithPath: "/nonexistent/lab")
        #expect(throws: (any Error).self) { try ProcessLauncher.shared.run { try missing.run() } }
        #expect(try ProcessLauncher.shared.run { 6 * 7 } == 42)
    }
}
