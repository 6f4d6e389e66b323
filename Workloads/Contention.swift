import LabCore
import Synchronization

/// Every task hammers one shared object: in thread mode all threads fight over its cache
/// line; each worker process has its own copy, so processes do not contend at all.
package struct Contention: Workload {
    /// The object the tasks of one process share. Its counter's value depends on how tasks
    /// interleave, so it never enters a checksum; its `token` never changes, so reading it
    /// through a reference is the same in every mode.
    final class SharedState: Sendable {
        let counter = Atomic<UInt64>(0)
        let token: UInt64 = 0x9E37_79B9_7F4A_7C15
    }

    package static let name = "contention"
    package static let kind = WorkloadKind.memory
    package static let summary =
        "every task updates one shared object in a tight loop: cache-line bouncing on threads, none across processes"
    package static let parameters = [
        ParameterSpec(
            name: "updates", type: .integer(1...1_000_000_000), defaultValue: "2000000", quickValue: "100000",
            unit: "count",
            summary: "updates of the shared object per task"),
        ParameterSpec(
            name: "target", type: .choice(["atomic", "refcount"]), defaultValue: "atomic", quickValue: "atomic",
            unit: "",
            summary:
                "atomic: add to a shared atomic counter; refcount: store strong references to one shared object (a "
                + "retain and a release each)"
        ),
    ]

    package static func defaultTaskCount(for parameters: Parameters) -> Int { 8 }

    /// How many strong references a refcount task keeps at once: a power of two.
    static let ringSize = 8

    let updates: Int
    let usesReferenceCount: Bool
    let shared = SharedState()

    package init(parameters: Parameters, taskCount: Int) {
        updates = parameters.integer("updates")
        usesReferenceCount = parameters.choice("target") == "refcount"
    }

    package func run(task index: Int, input: [UInt8]) -> TaskOutput {
        var checksum = Checksum()
        checksum.combine(UInt64(index))
        checksum.combine(usesReferenceCount ? referenceCountUpdates() : counterUpdates(task: index))
        return TaskOutput(checksum: checksum.value, units: UInt64(updates))
    }

    /// Stores a strong reference to the shared object into a small ring, `updates` times:
    /// each store retains the object and releases the reference it overwrites. The
    /// overwritten reference is loaded from memory, so the optimiser cannot prove it is the
    /// same object and pair the two away (a retain followed by a release of one `Unmanaged`
    /// reference was removed entirely in a release build: 0.004 ns per pair). Each update also
    /// reads the object's token through a reference of the ring, which the checksum folds in.
    func referenceCountUpdates() -> UInt64 {
        var ring = [SharedState?](repeating: nil, count: Self.ringSize)
        var folded: UInt64 = 0
        ring.withUnsafeMutableBufferPointer { slots in
            for update in 0..<updates {
                let slot = update & (Self.ringSize - 1)
                slots[slot] = shared
                folded = (folded &+ (slots[slot]?.token ?? 0)) &* 0x100_0000_01B3
            }
        }
        folded ^= UInt64(ring.count { $0 != nil })
        return folded
    }

    /// Adds a step that depends on the task and the update to the shared counter `updates`
    /// times and returns the sum of its steps: what this task added, whatever the others did.
    /// The step is two instructions, so that the atomic add stays what is measured.
    func counterUpdates(task index: Int) -> UInt64 {
        let seed = UInt64(index) &* 0x9E37_79B9
        var added: UInt64 = 0
        for update in 0..<UInt64(updates) {
            let step = (update ^ seed) & 0xF | 1
            shared.counter.wrappingAdd(step, ordering: .relaxed)
            added &+= step
        }
        return added
    }
}
