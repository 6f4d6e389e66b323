import Foundation
import Synchronization
import Testing

@testable import LabCore

@Suite struct AsyncRunnerTests {
    @Test("any number in flight gives the sequential checksum", arguments: [1, 2, 7, 100])
    func sameChecksum(inFlight: Int) async throws {
        let workload = try configuredEcho(["size": "100"], tasks: 30)
        let result = await AsyncRunner(inFlight: inFlight).runOnOwnThread(workload)
        #expect(result.failure == nil)
        #expect(result.tally.completed == 30)
        #expect(result.tally.checksum(ofTasks: 30) == (try checksumTaskByTask(workload)))
    }

    @Test("a throwing task fails the execution with its index and message")
    func failure() async throws {
        let result = await AsyncRunner(inFlight: 4).runOnOwnThread(try configuredEcho(["fail_at": "6"], tasks: 20))
        #expect(result.failure == .taskFailed(task: 6, message: "echo refuses task 6"))
        #expect(result.tally.completed == 19)
        #expect(result.tally.checksum(ofTasks: 20) == nil)
    }

    @Test("a thousand sleeping tasks in flight finish together, without a thousand threads")
    func manySleepers() async throws {
        let sleeper = try ConfiguredWorkload(type: Nap.self, parameters: Nap.parameters(), taskCount: 1000)
        let result = await AsyncRunner(inFlight: 1000).runOnOwnThread(sleeper)
        #expect(result.failure == nil)
        #expect(result.tally.completed == 1000)
        // Every task saw the same few cooperative threads, far fewer than tasks.
        #expect(Nap.threadsSeen.withLock { $0.count } < 100)
    }
}

/// Suspends for 50 ms per task (Task.sleep) and notes which thread resumed it.
struct Nap: Workload {
    static let name = "nap"
    static let kind = WorkloadKind.io
    static let summary = "suspends"
    static let parameters: [ParameterSpec] = []
    static let threadsSeen = Mutex<Set<UInt>>([])
    static func defaultTaskCount(for parameters: Parameters) -> Int { 1 }
    init(parameters: Parameters, taskCount: Int) {}
    func run(task index: Int, input: [UInt8]) -> TaskOutput { TaskOutput(checksum: UInt64(index)) }
    func runAsync(task index: Int, input: [UInt8]) async throws -> TaskOutput {
        try await Task.sleep(nanoseconds: 50_000_000)
        let thread = UInt(pthread_self())
        _ = Nap.threadsSeen.withLock { $0.insert(thread) }
        return run(task: index, input: input)
    }
}
