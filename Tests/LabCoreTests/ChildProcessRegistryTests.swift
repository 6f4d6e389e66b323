import Foundation
import Testing

@testable import LabCore

/// The registry signals its children through pidfds: a signal reaches the child it was meant
/// for, or none, never a process that took a dead child's number.
@Suite struct ChildProcessRegistryTests {
    static func sleeper() throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["30"]
        try process.run()
        return process
    }

    /// Whether descriptor `handle` of this process is a pidfd of process `processID` now (its
    /// fdinfo names the process). Other tests open and close descriptors meanwhile, so a
    /// number alone, or a count of pidfds, proves nothing.
    static func isPidfd(_ handle: Int32, of processID: Int32) -> Bool {
        guard
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(handle)"))
                == "anon_inode:[pidfd]",
            let info = try? String(contentsOfFile: "/proc/self/fdinfo/\(handle)", encoding: .utf8)
        else { return false }
        return info.split(separator: "\n").contains {
            $0.hasPrefix("Pid:") && $0.split(separator: "\t").last.map(String.init) == String(processID)
        }
    }

    @Test(
        "a registered child is killed through its pidfd, which is closed when it is forgotten; a forgotten child is not signalled"
    )
    func killThroughHandle() throws {
        let registry = ChildProcessRegistry()
        let first = try Self.sleeper()
        let second = try Self.sleeper()
        registry.register(first.processIdentifier)
        registry.register(second.processIdentifier)
        let handles = try [first, second].map { try #require(registry.handle(of: $0.processIdentifier)) }
        #expect(
            Self.isPidfd(handles[0], of: first.processIdentifier)
                && Self.isPidfd(handles[1], of: second.processIdentifier))
        registry.kill(first.processIdentifier)
        first.waitUntilExit()
        #expect(first.terminationReason == .uncaughtSignal && first.terminationStatus == SIGKILL)
        registry.unregister(first.processIdentifier)
        registry.unregister(second.processIdentifier)
        #expect(registry.handle(of: first.processIdentifier) == nil && registry.current.isEmpty)
        // Closed: the numbers may be another test's descriptors by now, but never these pidfds.
        #expect(
            !Self.isPidfd(handles[0], of: first.processIdentifier)
                && !Self.isPidfd(handles[1], of: second.processIdentifier))
        // Forgotten: its number may be another's by now, so the registry leaves it alone.
        registry.kill(second.processIdentifier)
        #expect(registry.killAll().isEmpty)
        #expect(second.isRunning)
        // (SIGTERM may be blocked in what this test process starts: the test's own SIGKILL ends it.)
        kill(second.processIdentifier, SIGKILL)
        second.waitUntilExit()
    }
}
