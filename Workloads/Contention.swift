import LabCore
import Synchronization

/// Every task hammers one shared object: in thread mode all threads fight over its cache
/// line; each worker process has its own copy, so processes do not contend at all.
public struct Contention: Workload {
    /// The state the tasks of one process share. Its counter's value depends on how tasks
    /// interleave, so it never enters a checksum.
    final class SharedState: Sendable {
        let counter = Atomic<UInt64>(0)
    }

    public static let name = "contention"
    public static let kind = WorkloadKind.memory
    public static let summary = "every task updates one shared object in a tight loop: cache-line bouncing on threads, none across processes"
    public static let parameters = [
        ParameterSpec(
            name: "updates", type: .integer(1...1_000_000_000), defaultValue: "2000000", quickValue: "100000", unit: "count",
            summary: "updates of the shared object per task"),
        ParameterSpec(
            name: "target", type: .choice(["atomic", "refcount"]), defaultValue: "atomic", quickValue: "atomic", unit: "",
            summary: "atomic: increment a shared atomic counter; refcount: retain and release a shared object"),
    ]

    public static func defaultTaskCount(for parameters: Parameters) -> Int { 8 }

    let updates: Int
    let usesReferenceCount: Bool
    let shared = SharedState()

    public init(parameters: Parameters, taskCount: Int) {
        updates = parameters.integer("updates")
        usesReferenceCount = parameters.choice("target") == "refcount"
    }

    public func run(task index: Int, input: [UInt8]) -> TaskOutput {
        if usesReferenceCount {
            // Explicit retain and release: the atomic reference-count traffic that sharing one
            // object between threads causes, which the optimiser may not remove.
            let object = Unmanaged.passUnretained(shared)
            for _ in 0..<updates {
                _ = object.retain()
                object.release()
            }
        } else {
            for _ in 0..<updates {
                shared.counter.wrappingAdd(1, ordering: .relaxed)
            }
        }
        var checksum = Checksum()
        checksum.combine(UInt64(index))
        checksum.combine(UInt64(updates))
        return TaskOutput(checksum: checksum.value, units: UInt64(updates))
    }
}
