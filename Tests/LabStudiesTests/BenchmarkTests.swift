import LabCore
import Testing

@testable import LabStudies

/// What `lab bench` checks for removed work, decided without measuring.
@Suite struct BenchmarkTests {
    struct Switches: Workload {
        static let name = "switches"
        static let kind = WorkloadKind.cpu
        static let summary = "a workload with two choice parameters, one of whose values sequential mode refuses"
        static let parameters = [
            ParameterSpec(
                name: "size", type: .integer(1...100), defaultValue: "10", quickValue: "2", unit: "count",
                summary: "work"),
            ParameterSpec(
                name: "path", type: .choice(["fast", "slow", "remote"]), defaultValue: "fast", quickValue: "slow",
                unit: "", summary: "branch"),
            ParameterSpec(
                name: "mode", type: .choice(["a", "b"]), defaultValue: "a", quickValue: "a", unit: "", summary: "branch"
            ),
        ]
        static func defaultTaskCount(for parameters: Parameters) -> Int { 2 }
        static func refusal(for mode: ExecutionMode, parameters: Parameters) -> String? {
            parameters.choice("path") == "remote" && mode != .processes ? "path=remote runs in process mode only" : nil
        }
        init(parameters: Parameters, taskCount: Int) {}
        func run(task index: Int, input: [UInt8]) -> TaskOutput { TaskOutput(checksum: UInt64(index)) }
    }

    @Test("the growth check runs the defaults, then every other value of every choice that sequential mode accepts")
    func growthSettings() {
        let settings = Benchmark.growthSettings(of: Switches.self, quick: false).map {
            $0.map { "\($0.name)=\($0.value)" } ?? "defaults"
        }
        #expect(settings == ["defaults", "path=slow", "mode=b"])
        // Quick runs start from the quick values, so the other values are the default ones.
        let quick = Benchmark.growthSettings(of: Switches.self, quick: true).map {
            $0.map { "\($0.name)=\($0.value)" } ?? "defaults"
        }
        #expect(quick == ["defaults", "path=fast", "mode=b"])
    }
}
