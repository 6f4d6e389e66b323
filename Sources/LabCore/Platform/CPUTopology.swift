/// The machine's CPUs as the kernel describes them under `/sys/devices`: which package
/// (socket), physical core and NUMA node each belongs to, which CPUs are SMT siblings of one
/// core, which share the last-level cache, and on hybrid machines which cores are the
/// performance and which the efficiency ones. Read once, from any root, so that a test can
/// point it at the tree of a machine it is not running on.
package struct CPUTopology: Sendable, Equatable {
    /// What the kernel says of a core's type; `nil` on machines with one type.
    package enum CoreType: String, Sendable {
        case performance
        case efficiency
    }

    package struct CPU: Sendable, Equatable {
        package var id: Int
        package var package: Int
        /// The physical core: the lowest CPU of its SMT siblings, unique across packages.
        package var core: Int
        /// Its SMT siblings, itself included, in order.
        package var siblings: [Int]
        package var node: Int
        /// The lowest CPU that shares its last-level cache (its own ID when unknown).
        package var lastLevelCache: Int
        package var type: CoreType?

        /// Its place among its core's SMT threads (0 for the first).
        package var thread: Int { siblings.firstIndex(of: id) ?? 0 }
    }

    /// The CPUs this process may run on, by ID.
    package var cpus: [CPU]

    package init(cpus: [CPU]) {
        self.cpus = cpus.sorted { $0.id < $1.id }
    }

    /// Reads the topology of `allowed` CPUs under `root` (`/sys/devices` on this machine).
    /// Whatever a file does not say takes its plainest reading: a CPU without topology files
    /// is a core of its own in package 0; without `node*` directories there is one node.
    package static func read(root: String = "/sys/devices", allowed: [Int]) -> CPUTopology {
        let system = root + "/system"
        func value(_ path: String) -> Int? { Platform.readSmallFile(path).flatMap { Int($0.trimmingWhitespace()) } }
        func list(_ path: String) -> [Int]? {
            Platform.readSmallFile(path).flatMap { parseList($0.trimmingWhitespace()) }
        }
        var nodeOf: [Int: Int] = [:]
        for node in list(system + "/node/online") ?? [] {
            for cpu in list("\(system)/node/node\(node)/cpulist") ?? [] { nodeOf[cpu] = node }
        }
        let performance = Set(list(root + "/cpu_core/cpus") ?? [])
        let efficiency = Set(list(root + "/cpu_atom/cpus") ?? [])
        var cpus: [CPU] = []
        for id in allowed {
            let base = "\(system)/cpu/cpu\(id)"
            let package = value(base + "/topology/physical_package_id") ?? 0
            let siblings =
                (list(base + "/topology/core_cpus_list") ?? list(base + "/topology/thread_siblings_list") ?? [id])
                .sorted()
            var cache = id
            var deepest = 0
            for index in 0..<16 {
                guard let level = value("\(base)/cache/index\(index)/level") else { break }
                let type = Platform.readSmallFile("\(base)/cache/index\(index)/type")?.trimmingWhitespace()
                if level > deepest, type != "Instruction",
                    let shared = list("\(base)/cache/index\(index)/shared_cpu_list"), let lowest = shared.min()
                {
                    deepest = level
                    cache = lowest
                }
            }
            let type: CoreType? = performance.contains(id) ? .performance : efficiency.contains(id) ? .efficiency : nil
            cpus.append(
                CPU(
                    id: id, package: package, core: siblings.first ?? id,
                    siblings: siblings.contains(id) ? siblings : [id], node: nodeOf[id] ?? 0,
                    lastLevelCache: cache, type: type))
        }
        return CPUTopology(cpus: cpus)
    }

    /// This machine's allowed CPUs, or `nil` when they cannot be read.
    package static var current: CPUTopology? {
        guard let allowed = try? Platform.allowedCPUs(), !allowed.isEmpty else { return nil }
        return read(allowed: allowed)
    }

    /// A kernel CPU list (`0-3,8,10-11`) as IDs; `nil` when it is not one.
    package static func parseList(_ text: String) -> [Int]? {
        guard !text.isEmpty else { return [] }
        var ids: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2, let low = Int(bounds[0]), low >= 0, low < 65536 else { return nil }
            let high = bounds.count == 2 ? Int(bounds[1]) : low
            guard let high, high >= low, high < 65536 else { return nil }
            ids += Array(low...high)
        }
        return ids
    }

    /// How many of each there are.
    package var packageCount: Int { Set(cpus.map(\.package)).count }
    package var coreCount: Int { Set(cpus.map(\.core)).count }
    package var nodeCount: Int { Set(cpus.map(\.node)).count }
    package var cacheCount: Int { Set(cpus.map(\.lastLevelCache)).count }

    /// The machine in one line: `16 CPUs: 2 packages, 8 cores of 2 threads, 2 NUMA nodes, 2 last-level caches`.
    package var summary: String {
        func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
        let threads = Set(cpus.map(\.siblings.count)).sorted()
        let perCore =
            threads.count == 1
            ? "of \(counted(threads[0], "thread"))" : "of \(threads.map(String.init).joined(separator: " or ")) threads"
        var parts = [
            counted(packageCount, "package"), "\(counted(coreCount, "core")) \(perCore)",
            counted(nodeCount, "NUMA node"), counted(cacheCount, "last-level cache"),
        ]
        let performance = Set(cpus.filter { $0.type == .performance }.map(\.core)).count
        let efficiency = Set(cpus.filter { $0.type == .efficiency }.map(\.core)).count
        if performance + efficiency > 0 {
            parts.append("\(performance) performance and \(efficiency) efficiency cores")
        }
        return "\(counted(cpus.count, "CPU")): " + parts.joined(separator: ", ")
    }

    /// The order in which `--pin spread` hands out CPUs: one thread of every physical core
    /// before any core's second (performance cores before efficiency ones at each step), and
    /// cores dealt out across NUMA nodes and last-level caches in turn, so that two lanes
    /// share a core, a node or a cache only when there are more lanes than those.
    package var spreadOrder: [Int] {
        let rank: (CPU) -> Int = { $0.type == .efficiency ? 1 : 0 }
        var order: [Int] = []
        let maxThreads = cpus.map(\.siblings.count).max() ?? 1
        for thread in 0..<maxThreads {
            for kind in [0, 1] {
                let eligible = cpus.filter { rank($0) == kind && $0.thread == thread }
                let nodes = Set(eligible.map(\.node)).sorted()
                // Within a node, cores that share a last-level cache with fewer already chosen first.
                var queues = nodes.map { node in Self.alternatingCaches(eligible.filter { $0.node == node }) }
                var dealt = true
                while dealt {
                    dealt = false
                    for index in queues.indices where !queues[index].isEmpty {
                        order.append(queues[index].removeFirst().id)
                        dealt = true
                    }
                }
            }
        }
        return order
    }

    /// `cpus` ordered so that consecutive ones take turns among last-level caches.
    private static func alternatingCaches(_ cpus: [CPU]) -> [CPU] {
        let caches = Set(cpus.map(\.lastLevelCache)).sorted()
        var queues = caches.map { cache in
            cpus.filter { $0.lastLevelCache == cache }.sorted { ($0.package, $0.core) < ($1.package, $1.core) }
        }
        var order: [CPU] = []
        while queues.contains(where: { !$0.isEmpty }) {
            for index in queues.indices where !queues[index].isEmpty { order.append(queues[index].removeFirst()) }
        }
        return order
    }

    /// `--pin node`: the spread order of the first node's CPUs only (the node of the lowest
    /// allowed CPU): every lane's memory is local to that node.
    package var nodeOrder: [Int] {
        guard let first = cpus.first?.node else { return [] }
        let members = Set(cpus.filter { $0.node == first }.map(\.id))
        return spreadOrder.filter(members.contains)
    }

    /// `--pin siblings`: the threads of one core one after another, core by core, so that
    /// lanes 0 and 1 share a physical core (on a machine without SMT, one core each: the
    /// spread order).
    package var siblingOrder: [Int] {
        let byID = Dictionary(uniqueKeysWithValues: cpus.map { ($0.id, $0) })
        var order: [Int] = []
        var seen = Set<Int>()
        for id in spreadOrder {
            guard let cpu = byID[id], !seen.contains(cpu.core) else { continue }
            seen.insert(cpu.core)
            order += cpu.siblings.filter { byID[$0] != nil }
        }
        return order
    }
}
