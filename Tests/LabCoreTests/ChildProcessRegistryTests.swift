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

    /// This process's open pidfds.
    static func pidfdCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == "anon_inode:[pidfd]"
        }.count
    }

    @Test("a registered child is killed through its pidfd, which is closed when it is forgotten; a forgotten child is not signalled")
    func killThroughHandle() throws {
        let registry = ChildProcessRegistry()
        let before = try Self.pidfdCount()
        let first = try Self.sleeper()
        let second = try Self.sleeper()
        registry.register(first.processIdentifier)
        registry.register(second.processIdentifier)
        #expect(try Self.pidfdCount() == before + 2)
        registry.kill(first.processIdentifier)
        first.waitUntilExit()
        #expect(first.terminationReason == .uncaughtSignal && first.terminationStatus == SIGKILL)
        registry.unregister(first.processIdentifier)
        registry.unregister(second.processIdentifier)
        #expect(try Self.pidfdCount() == before)
        // Forgotten: its number may be another's by now, so the registry leaves it alone.
        registry.kill(second.processIdentifier)
        #expect(registry.killAll().isEmpty)
        #expect(second.isRunning)
        // (SIGTERM may be blocked in what this test process starts: the test's own SIGKILL ends it.)
        kill(second.processIdentifier, SIGKILL)
        second.waitUntilExit()
    }
}
