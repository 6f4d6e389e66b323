import LabCore
import Testing

@testable import Workloads

/// Every registered workload, at its quick size, gives the same checksum sequentially and on
/// threads, so a new workload is covered without writing a test. (Process mode needs the
/// `lab` binary and is checked end to end in LabEndToEndTests.)
@Suite struct BuiltinWorkloadsTests {
    @Test("names are unique, lowercase and valid on the command line")
    func names() {
        let names = builtinWorkloads.names
        #expect(Set(names).count == names.count)
        for name in names {
            #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(name)")
        }
    }

    @Test("every workload declares valid defaults and quick values", arguments: builtinWorkloads.names)
    func validDefaults(name: String) throws {
        let type = try builtinWorkloads.type(named: name)
        #expect(!type.summary.isEmpty)
        _ = try type.parameters()
        _ = try type.parameters(quick: true)
    }

    @Test(
        "every workload gives the same checksum sequentially, on threads and as async tasks",
        arguments: builtinWorkloads.defaultPlanNames)
    func sameChecksum(name: String) async throws {
        let type = try builtinWorkloads.type(named: name)
        try await ConfiguredWorkload(type: type, parameters: try type.parameters(quick: true)).withFixture { workload in
            let sequential = await SequentialRunner().runOnOwnThread(workload)
            #expect(sequential.failure == nil)
            let expected = try #require(sequential.tally.checksum(ofTasks: workload.taskCount))
            for runner in [ThreadPoolRunner(threads: 2), AsyncRunner(inFlight: 3)] as [any TaskRunner] {
                let result = await runner.runOnOwnThread(workload)
                #expect(result.failure == nil, "\(runner)")
                #expect(result.tally.completed == workload.taskCount, "\(runner)")
                #expect(result.tally.checksum(ofTasks: workload.taskCount) == expected, "\(runner)")
            }
        }
    }

    @Test(
        "every parameter accepts its default and quick value and refuses values out of its range",
        arguments: builtinWorkloads.types.flatMap { type in type.parameters.map { (type.name, $0) } })
    func parameterValidation(workload: String, spec: ParameterSpec) {
        #expect(spec.parse(spec.defaultValue) != nil)
        #expect(spec.parse(spec.quickValue) != nil)
        #expect(!spec.summary.isEmpty)
        var refused = ["", "abc", "nan", "inf", "1 2"]
        switch spec.type {
        case .integer(let range):
            if range.lowerBound > Int.min { refused.append(String(range.lowerBound - 1)) }
            if range.upperBound < Int.max { refused.append(String(range.upperBound + 1)) }
            refused.append("1.5")
        case .number(let range), .numberList(let range):
            refused.append((range.lowerBound - 1).shortText)
            refused.append((range.upperBound + 1).shortText)
        case .choice(let words):
            refused.append(words[0].uppercased())
            refused.append(words.joined(separator: ","))
        }
        for text in refused {
            #expect(spec.parse(text) == nil, "\(workload).\(spec.name) accepted '\(text)'")
        }
    }

    @Test("the registry covers every kind with at least twelve workloads")
    func coverage() {
        #expect(builtinWorkloads.types.count >= 12)
        #expect(Set(builtinWorkloads.types.map { $0.kind }) == Set(WorkloadKind.allCases))
    }
}
