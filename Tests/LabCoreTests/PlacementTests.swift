import Foundation
import Testing

@testable import LabCore

@Suite struct PlacementTests {
    @Test(
        "on cores of one thread each, spread puts lane i on allowed core i mod cores, compact every lane on the first, none nowhere"
    )
    func cores() {
        let plain = CPUTopology(
            cpus: [2, 3, 5].map {
                CPUTopology.CPU(id: $0, package: 0, core: $0, siblings: [$0], node: 0, lastLevelCache: 2, type: nil)
            })
        let spread = CorePlacement.spread.order(on: plain)
        #expect((0..<5).map { CorePlacement.core(forLane: $0, order: spread) } == [2, 3, 5, 2, 3])
        let compact = CorePlacement.compact.order(on: plain)
        #expect((0..<3).map { CorePlacement.core(forLane: $0, order: compact) } == [2, 2, 2])
        #expect(CorePlacement.core(forLane: 1, order: CorePlacement.none.order(on: plain)) == nil)
        #expect(
            CorePlacement.spread.applied(to: .async) == .none && CorePlacement.compact.applied(to: .threads) == .compact
        )
        #expect(
            CorePlacement.spread.coresUsed(lanes: 2, order: spread, allowed: 3) == 2
                && CorePlacement.compact.coresUsed(lanes: 2, order: compact, allowed: 3) == 1)
        #expect(CorePlacement.none.coresUsed(lanes: 8, order: [], allowed: 3) == 3)
    }

    @Test(
        "a pinned lane thread runs on its core only; a placement without known cores fails instead of running unpinned")
    func pinnedThread() throws {
        let allowed = try Platform.allowedCPUs()
        try #require(!allowed.isEmpty)
        let pinning = LanePinning(placement: .spread, allowed: allowed)
        let seen = ResultBox()
        let thread = try JoinableThread {
            seen.set(
                Result { () throws(SystemError) -> [Int] in
                    try pinning.pinCallingThread(lane: 1)
                    return try Platform.allowedCPUs()
                })
        }
        thread.join()
        #expect(try seen.get() == [allowed[1 % allowed.count]])
        // The calling thread was not touched.
        #expect(try Platform.allowedCPUs() == allowed)
        #expect(throws: SystemError.self) {
            try LanePinning(placement: .compact, allowed: []).pinCallingThread(lane: 0)
        }
    }

    @Test("a sequential cell pins the coordinator for its tasks and gives it every core back after")
    func sequentialReleases() throws {
        let allowed = try Platform.allowedCPUs()
        let result = SequentialRunner(pinning: LanePinning(placement: .compact, allowed: allowed)).run(
            try configuredEcho(tasks: 4))
        #expect(result.failure == nil)
        #expect(try Platform.allowedCPUs() == allowed)
    }

    @Test("each worker process is pinned to its lane's core as soon as it starts")
    func workerPinned() throws {
        let allowed = try Platform.allowedCPUs()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lab-pin-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        // A stand-in worker that writes down where it may run, then exits (a failed start).
        let script = "sleep 0.3; grep Cpus_allowed_list /proc/$$/status > \(file)"
        let pool = ProcessPoolRunner(
            workers: 1, executablePath: "/bin/sh", arguments: ["-c", script], registry: ChildProcessRegistry(),
            pinning: LanePinning(placement: .compact, allowed: allowed))
        _ = pool.run(try configuredEcho(tasks: 1))
        let line = try String(contentsOfFile: file, encoding: .utf8)
        #expect(line.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("\t\(allowed[0])"), "\(line)")
    }
}

/// A result handed from a thread to the test.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<[Int], SystemError>?

    func set(_ result: Result<[Int], SystemError>) {
        lock.withLock { value = result }
    }

    func get() throws -> [Int] {
        try lock.withLock { value }!.get()
    }
}
