import LabCore
import Testing

@testable import Workloads

@Suite struct SleepTests {
    @Test("one task per listed duration by default")
    func defaultTasks() throws {
        #expect(Sleep.defaultTaskCount(for: try Sleep.parameters()) == 3)
        #expect(Sleep.defaultTaskCount(for: try Sleep.parameters(overriding: ["seconds": "3,2,1,0.5"])) == 4)
    }

    @Test("task i sleeps seconds[i % count] and says so in its units and checksum")
    func cyclesDurations() throws {
        let sleep = Sleep(parameters: try Sleep.parameters(overriding: ["seconds": "0,0.001"]), taskCount: 5)
        let outputs = (0..<5).map { sleep.run(task: $0, input: []) }
        #expect(outputs.map(\.units) == [0, 1000, 0, 1000, 0])
        #expect(Set(outputs.map(\.checksum)).count == 5)
        #expect(sleep.run(task: 3, input: []) == outputs[3])
    }

    @Test("negative, empty and non-finite durations are refused", arguments: ["-1", "", "1,,2", "nan", "inf", "3601"])
    func badDurations(text: String) {
        #expect(throws: ConfigurationError.self) { try Sleep.parameters(overriding: ["seconds": text]) }
    }
}
