import Testing

@testable import LabCore

@Suite struct WorkloadRegistryTests {
    @Test("a registry finds workloads by name and names the known ones when it cannot")
    func registry() throws {
        let registry = WorkloadRegistry([Echo.self])
        #expect(try registry.type(named: "echo") == Echo.self)
        #expect(throws: ConfigurationError.unknownWorkload("ecko", known: ["echo"])) {
            try registry.type(named: "ecko")
        }
        #expect(
            ConfigurationError.unknownWorkload("ecko", known: ["echo", "primes"]).description
                == "unknown workload 'ecko'; known workloads: echo, primes")
    }

    @Test("a workload name is lowercase letters, digits and dashes: never a path, markup or a control character")
    func names() {
        for good in ["echo", "file-io", "p2", "9lives", String(repeating: "a", count: 64)] {
            #expect(WorkloadName.isValid(good), "\(good)")
        }
        for bad in [
            "", "-x", "Echo", "a_b", "a.b", "..", "x/../y", "a b", "é", "a\u{1B}", "<b>",
            String(repeating: "a", count: 65),
        ] {
            #expect(!WorkloadName.isValid(bad), "\(bad)")
        }
        #expect(
            WorkloadName.violations([Echo.self, BadlyNamed.self]) == [
                "workload name 'Bad/Name' (type BadlyNamed) breaks the rule for names: lowercase letters, digits and dashes, starting with a letter or digit, at most 64 characters"
            ])
    }
}

/// A workload of a user's package whose name breaks the rule: `main(adding:)` says so and exits 2.
private struct BadlyNamed: Workload {
    static let name = "Bad/Name"
    static let kind = WorkloadKind.cpu
    static let summary = "a name that is a path"
    static let parameters: [ParameterSpec] = []
    static func defaultTaskCount(for parameters: Parameters) -> Int { 1 }
    init(parameters: Parameters, taskCount: Int) {}
    func run(task index: Int, input: [UInt8]) throws -> TaskOutput { TaskOutput(checksum: UInt64(index), units: 1) }
}
