import Foundation
import Testing

@testable import LabCore

/// Every placement on the machines of `Tests/Topologies` (see its README), read through the
/// same code that reads this machine, checked lane by lane.
@Suite struct PlacementTopologyTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Topologies").path

    static func machine(_ name: String, cpus: Int) -> CPUTopology {
        CPUTopology.read(root: folder + "/" + name + "/devices", allowed: Array(0..<cpus))
    }

    @Test(
        "a two-socket server: spread takes one thread of each core, socket by socket in turn; node stays on socket 0; siblings pairs a core's threads"
    )
    func twoSockets() {
        let server = Self.machine("two-socket-server", cpus: 16)
        #expect(server.summary == "16 CPUs: 2 packages, 8 cores of 2 threads, 2 NUMA nodes, 2 last-level caches")
        #expect(CorePlacement.spread.order(on: server) == [0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15])
        #expect(CorePlacement.node.order(on: server) == [0, 1, 2, 3, 8, 9, 10, 11])
        #expect(CorePlacement.siblings.order(on: server) == [0, 8, 4, 12, 1, 9, 5, 13, 2, 10, 6, 14, 3, 11, 7, 15])
        #expect(CorePlacement.compact.order(on: server) == [0])
        #expect(
            server.cpus[9].siblings == [1, 9] && server.cpus[9].node == 0 && server.cpus[12].node == 1
                && server.cpus[12].package == 1)
    }

    @Test(
        "a hybrid laptop: spread takes the performance cores, then the efficiency cores, then the performance cores' second threads"
    )
    func hybrid() {
        let laptop = Self.machine("hybrid-laptop", cpus: 16)
        #expect(
            laptop.summary
                == "16 CPUs: 1 package, 12 cores of 1 or 2 threads, 1 NUMA node, 1 last-level cache, 4 performance and 8 efficiency cores"
        )
        #expect(CorePlacement.spread.order(on: laptop) == [0, 2, 4, 6, 8, 9, 10, 11, 12, 13, 14, 15, 1, 3, 5, 7])
        #expect(CorePlacement.siblings.order(on: laptop) == Array(0..<16))
        #expect(laptop.cpus[3].type == .performance && laptop.cpus[8].type == .efficiency)
    }

    @Test(
        "siblings numbered side by side: spread no longer puts lanes 0 and 1 on one core (lab 0.8.0 did), siblings does on purpose"
    )
    func sideBySide() {
        let workstation = Self.machine("workstation-siblings-side-by-side", cpus: 16)
        #expect(workstation.summary == "16 CPUs: 1 package, 8 cores of 2 threads, 1 NUMA node, 1 last-level cache")
        let spread = CorePlacement.spread.order(on: workstation)
        #expect(spread == [0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15])
        #expect(CorePlacement.node.order(on: workstation) == spread)
        #expect(CorePlacement.siblings.order(on: workstation).prefix(4) == [0, 1, 2, 3])
        #expect(CorePlacement.spread.coresUsed(lanes: 8, order: spread, allowed: 16) == 8)
    }

    @Test("this VM: two CPUs of one thread each on one node; every placement but compact uses both")
    func thisVM() {
        let vm = Self.machine("this-vm", cpus: 2)
        #expect(vm.summary == "2 CPUs: 1 package, 2 cores of 1 thread, 1 NUMA node, 1 last-level cache")
        for placement in [CorePlacement.spread, .node, .siblings] {
            #expect(placement.order(on: vm) == [0, 1], "\(placement)")
        }
        #expect(CorePlacement.compact.order(on: vm) == [0])
    }

    @Test("only the allowed CPUs are placed; a CPU the tree says nothing of is a core of its own on node 0")
    func allowedOnly() {
        let server = CPUTopology.read(root: Self.folder + "/two-socket-server/devices", allowed: [4, 12, 0, 40])
        #expect(server.cpus.map(\.id) == [0, 4, 12, 40])
        #expect(CorePlacement.spread.order(on: server) == [0, 4, 40, 12])
        #expect(server.cpus.last.map { $0.siblings == [40] && $0.node == 0 } == true)
    }

    @Test("CPU lists are read as the kernel writes them; anything else is no list")
    func lists() {
        #expect(CPUTopology.parseList("0-3,8,10-11") == [0, 1, 2, 3, 8, 10, 11])
        #expect(CPUTopology.parseList("") == [])
        for bad in ["3-1", "a", "1,,2", "-1", "0-99999999999999999999"] {
            #expect(CPUTopology.parseList(bad) == nil, "\(bad)")
        }
    }
}
