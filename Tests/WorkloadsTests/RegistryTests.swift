import LabCore
import Testing

@testable import Workloads

/// Every registered workload, at its quick size, gives the same checksum sequentially and on
/// threads, so a new workload is covered without writing a test. (Process mode needs the
/// `lab` binary and is checked end to end in LabEndToEndTests.)
@Suite struct RegistryTests {
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

    @Test("every workload gives the same checksum sequentially and on threads", arguments: builtinWorkloads.names)
    func sameChecksum(name: String) throws {
        let type = try builtinWorkloads.type(named: name)
        let workload = try ConfiguredWorkload(type: type, parameters: try type.parameters(quick: true))
        let sequential = SequentialExecutor().execute(workload)
        let threads = ThreadPoolExecutor(threads: 2).execute(workload)
        #expect(sequential.failure == nil)
        #expect(threads.failure == nil)
        let expected = Checksum.combined(sequential.outcomes.compactMap { $0 })
        #expect(Checksum.combined(threads.outcomes.compactMap { $0 }) == expected)
        #expect(threads.outcomes.allSatisfy { $0 != nil })
    }
}
