import Testing

@testable import LabCore

@Suite struct WorkloadRegistryTests {
    @Test("a registry finds workloads by name and names the known ones when it cannot")
    func registry() throws {
        let registry = WorkloadRegistry([Echo.self])
        #expect(try registry.type(named: "echo") == Echo.self)
        #expect(throws: ConfigurationError.unknownWorkload("ecko", known: ["echo"])) { try registry.type(named: "ecko") }
        #expect(ConfigurationError.unknownWorkload("ecko", known: ["echo", "primes"]).description == "unknown workload 'ecko'; known workloads: echo, primes")
    }
}
