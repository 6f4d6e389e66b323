import Foundation
import Synchronization
import Testing

@testable import LabCore

/// The event loop of the async mode: descriptors and timers waited on by one thread.
@Suite struct EventLoopTests {
    @Test("a task suspended on a pipe resumes when a byte arrives, and 300 wait at once on the loop's one thread")
    func readable() async throws {
        let loop = try EventLoop()
        defer { loop.stop() }
        // 300, not 1,000: past ~1,300 open descriptors Foundation's Process.run (Swift 6.3.1) can
        // fault in other tests of this process (swift-corelibs-foundation #5472).
        let pipes = try (0..<300).map { _ in try Platform.makePipe() }
        defer {
            pipes.forEach {
                Platform.close($0.read); Platform.close($0.write)
            }
        }
        for pipe in pipes { try Platform.makeNonBlocking(pipe.read) }
        let threadsBefore = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count
        try await withThrowingTaskGroup(of: UInt8.self) { group in
            for pipe in pipes {
                group.addTask {
                    var byte: UInt8 = 0
                    while true {
                        if let count = try withUnsafeMutableBytes(
                            of: &byte,
                            { (buffer) throws(SystemError) in try Platform.readIfReady(pipe.read, into: buffer) }),
                            count == 1
                        {
                            return byte
                        }
                        try await loop.readable(pipe.read)
                    }
                }
            }
            // 300 tasks wait; no thread was started for them.
            #expect(try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count <= threadsBefore + 4)
            for (index, pipe) in pipes.enumerated() { try Platform.writeAll(pipe.write, [UInt8(index % 256)]) }
            var sum = 0
            for try await byte in group { sum += Int(byte) }
            #expect(sum == (0..<300).reduce(0) { $0 + $1 % 256 })
        }
    }

    @Test("timers fire in the order of their deadlines, not of their making")
    func timers() throws {
        let loop = try EventLoop()
        defer { loop.stop() }
        let fired = Mutex<[Int]>([])
        let done = DispatchSemaphore(value: 0)
        for (order, delay) in [(3, 0.03), (1, 0.01), (4, 0.04), (2, 0.02), (0, 0.0)] {
            loop.after(seconds: delay) {
                let count = fired.withLock {
                    $0.append(order); return $0.count
                }
                if count == 5 { done.signal() }
            }
        }
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(fired.withLock { $0 } == [0, 1, 2, 3, 4])
    }

    @Test("a cancelled wait ends at once with CancellationError, and the descriptor can be waited on again")
    func cancellation() async throws {
        let loop = try EventLoop()
        defer { loop.stop() }
        let pipe = try Platform.makePipe()
        defer { Platform.close(pipe.read); Platform.close(pipe.write) }
        let waiting = Task { try await loop.readable(pipe.read) }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        try Platform.writeAll(pipe.write, [1])
        try await loop.readable(pipe.read)
    }
}
