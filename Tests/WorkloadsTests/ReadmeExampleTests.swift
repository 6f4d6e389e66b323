import Foundation
import LabCore
import Testing

@testable import Workloads

/// Workloads/README.md's "Add your own workload" example is this target's Collatz.swift, byte
/// for byte, so the example in the docs is code that compiles and runs.
@Suite struct ReadmeExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("Workloads/README.md shows Collatz.swift exactly")
    func readmeMatchesSource() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("Workloads/README.md"), encoding: .utf8)
        let source = try String(
            contentsOf: Self.root.appendingPathComponent("Tests/WorkloadsTests/Collatz.swift"), encoding: .utf8)
        let opening = "<!-- example: Tests/WorkloadsTests/Collatz.swift -->\n```swift\n"
        let start = try #require(readme.range(of: opening), "Workloads/README.md lost its example marker")
        let end = try #require(readme.range(of: "```\n", range: start.upperBound..<readme.endIndex))
        #expect(String(readme[start.upperBound..<end.lowerBound]) == source)
    }

    @Test("the example finds the known longest chain below 10 and agrees with itself on threads")
    func example() async throws {
        // Below 10, 9 has the longest chain: 19 steps.
        let small = Collatz(parameters: try Collatz.parameters(overriding: ["limit": "9"]), taskCount: 1)
        var expected = Checksum()
        expected.combine(9)
        expected.combine(19)
        #expect(small.run(task: 0, input: []).checksum == expected.value)

        let workload = try ConfiguredWorkload(type: Collatz.self, parameters: Collatz.parameters(quick: true))
        let sequential = await SequentialRunner().runOnOwnThread(workload)
        let threads = await ThreadPoolRunner(threads: 3).runOnOwnThread(workload)
        let checksum = sequential.tally.checksum(ofTasks: workload.taskCount)
        #expect(checksum != nil)
        #expect(threads.tally.checksum(ofTasks: workload.taskCount) == checksum)
    }
}
