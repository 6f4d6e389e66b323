import Glibc

/// Cycles, instructions and cache misses of the coordinator and of every thread and worker it
/// started during a repetition, where the machine's `perf_event_open` offers them.
package struct HardwareCounts: Sendable, Equatable {
    package var cycles: UInt64
    package var instructions: UInt64
    package var cacheMisses: UInt64

    package init(cycles: UInt64, instructions: UInt64, cacheMisses: UInt64) {
        self.cycles = cycles
        self.instructions = instructions
        self.cacheMisses = cacheMisses
    }
}

/// Open hardware counters of the calling thread, inherited by the threads and processes it
/// starts from now on. A counter is read once its threads have ended and its workers exited
/// (their counts join the parent's as they exit).
package final class HardwareCounterGroup {
    /// Cycles, instructions, cache misses.
    static let events: [(name: String, config: UInt64)] = [("cycles", 0), ("instructions", 1), ("cache-misses", 3)]
    private let descriptors: [Int32]

    private init(descriptors: [Int32]) {
        self.descriptors = descriptors
    }

    /// Opens the three counters on the calling thread.
    /// - Throws: ``SystemError`` of `perf_event_open` for the first that cannot be opened
    ///   (`ENOENT` on a machine without them).
    package static func open() throws(SystemError) -> HardwareCounterGroup {
        var opened: [Int32] = []
        for event in events {
            do {
                opened.append(try Platform.openHardwareCounter(config: event.config))
            } catch {
                opened.forEach(Platform.close)
                throw error
            }
        }
        return HardwareCounterGroup(descriptors: opened)
    }

    /// The counts so far; `nil` when a counter cannot be read.
    package func read() -> HardwareCounts? {
        let values = descriptors.compactMap { try? Platform.readCounter($0) }
        guard values.count == 3 else { return nil }
        return HardwareCounts(cycles: values[0], instructions: values[1], cacheMisses: values[2])
    }

    deinit {
        descriptors.forEach(Platform.close)
    }

    /// Why the lab records no hardware counts on this machine; `nil` when it can. Found once,
    /// by opening the counters and closing them again.
    package static let unavailableReason: String? = {
        do throws(SystemError) {
            _ = try open()
            return nil
        } catch {
            let hint =
                switch error.errno {
                case ENOENT, EOPNOTSUPP:
                    "the processor or hypervisor offers no hardware counters (a VM without a virtual PMU)"
                case EACCES, EPERM: "perf_event_paranoid forbids them (see /proc/sys/kernel/perf_event_paranoid)"
                default: "perf_event_open refused"
                }
            return "\(hint): \(error)"
        }
    }()
}
