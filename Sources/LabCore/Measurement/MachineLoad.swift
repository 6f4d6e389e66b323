/// The whole machine's CPU accounting at one moment, from `/proc/stat`'s first line and
/// `/proc/pressure/cpu`: two readings around a repetition tell how much CPU time every
/// process used meanwhile, how much the hypervisor gave to other guests (steal), and how long
/// some task waited for a core (pressure).
package struct MachineLoad: Sendable, Equatable {
    /// CPU time spent busy on every CPU, seconds: user, nice, system, irq and softirq (not
    /// idle, iowait or steal). `/proc/stat` counts in 10 ms units.
    package var busySeconds: Double
    /// CPU time the hypervisor ran something else while this machine's CPUs wanted to run.
    package var stealSeconds: Double
    /// CPUs the first line sums over (the `cpuN` lines).
    package var processors: Int
    /// `some total` of `/proc/pressure/cpu`: time in which at least one runnable task waited
    /// for a core, seconds; `nil` without pressure stall information.
    package var pressureSeconds: Double?

    package init(busySeconds: Double, stealSeconds: Double, processors: Int, pressureSeconds: Double?) {
        self.busySeconds = busySeconds
        self.stealSeconds = stealSeconds
        self.processors = processors
        self.pressureSeconds = pressureSeconds
    }

    /// Parses `/proc/stat` (with `ticksPerSecond`, USER_HZ) and `/proc/pressure/cpu` text;
    /// `nil` when the first line is not there.
    package static func parse(stat: String, pressure: String?, ticksPerSecond: Double = 100) -> MachineLoad? {
        // The first line sums the cpuN lines after it; the rest of the file is not needed.
        var text = stat
        let counted: (ticks: [Int], processors: Int)? = text.withUTF8 { bytes in
            var lines: [(start: Int, end: Int)] = []
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                guard end - start > 3, bytes[start..<(start + 3)].elementsEqual("cpu".utf8) else { break }
                lines.append((start, end))
                start = end + 1
            }
            guard let first = lines.first, bytes[first.start + 3] == UInt8(ascii: " ") else { return nil }
            return (ProcText.numbers(bytes, from: first.start + 3, to: first.end), lines.count - 1)
        }
        // user nice system idle iowait irq softirq steal (guest time is inside user already)
        guard let counted, counted.ticks.count >= 8 else { return nil }
        let ticks = counted.ticks.map(Double.init)
        let busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]
        let stall = pressure.flatMap { text -> Double? in
            // `some avg10=... total=N`: the total is the last field of the first line.
            guard text.hasPrefix("some "), let line = text.split(separator: "\n").first,
                let total = line.split(separator: " ").last, total.hasPrefix("total=")
            else { return nil }
            return Double(total.dropFirst(6)).map { $0 / 1e6 }
        }
        return MachineLoad(
            busySeconds: busy / ticksPerSecond, stealSeconds: ticks[7] / ticksPerSecond, processors: counted.processors,
            pressureSeconds: stall)
    }
}

/// What the rest of the machine did during one repetition, and whether that spoils it.
package struct Interference: Sendable, Equatable {
    /// CPU time that every process but the lab's (coordinator and its workers) used, seconds
    /// over all CPUs; 0 when the lab's own was more than `/proc/stat` counted (its 10 ms
    /// units).
    package var othersCPUSeconds: Double
    /// CPU time the hypervisor gave to other guests, seconds over all CPUs.
    package var stealSeconds: Double
    /// Time some runnable task waited for a core (`/proc/pressure/cpu`), the lab's own
    /// lanes included; `nil` without pressure stall information.
    package var pressureSeconds: Double?
    /// How many times as long the lanes took for a fixed spin together as one alone, around
    /// the repetition (``CoreSpeedProbe``; the slower of before and after); `nil` for one lane
    /// or a run made before lab 0.8.0.
    package var lanesTogether: Double?
    /// Whether others or steal took more than ``Disturbance`` allows, or the lanes ran slower
    /// together than it allows.
    package var disturbed: Bool

    package init(
        othersCPUSeconds: Double, stealSeconds: Double, pressureSeconds: Double?, lanesTogether: Double? = nil,
        disturbed: Bool
    ) {
        self.othersCPUSeconds = othersCPUSeconds
        self.stealSeconds = stealSeconds
        self.pressureSeconds = pressureSeconds
        self.lanesTogether = lanesTogether
        self.disturbed = disturbed
    }

    /// What happened between two readings `seconds` apart, given the CPU time the lab itself
    /// used meanwhile and the lanes' speed together around it.
    package init(
        from before: MachineLoad, to after: MachineLoad, labCPUSeconds: Double, seconds: Double,
        lanesTogether: Double? = nil
    ) {
        let others = max(0, after.busySeconds - before.busySeconds - labCPUSeconds)
        let steal = max(0, after.stealSeconds - before.stealSeconds)
        let pressure = after.pressureSeconds.flatMap { end in before.pressureSeconds.map { max(0, end - $0) } }
        self.init(
            othersCPUSeconds: others, stealSeconds: steal, pressureSeconds: pressure, lanesTogether: lanesTogether,
            disturbed: Disturbance.isDisturbed(
                othersCPUSeconds: others, stealSeconds: steal, wallSeconds: seconds, processors: after.processors)
                || Disturbance.lanesSlowerTogether(lanesTogether))
    }

    /// Whether the lanes ran slower together than ``Disturbance`` allows.
    package var slowerTogether: Bool { Disturbance.lanesSlowerTogether(lanesTogether) }
}

/// When the rest of the machine spoiled a repetition. Chosen from runs on the 2-core KVM guest
/// the lab is developed on ("Disturbed runs" in Sources/README.md has the figures): quiet repetitions
/// left others at most 2% of the cores' time, one busy loop beside the lab 30% and more.
package enum Disturbance {
    /// Others' CPU time above this share of the cores' time over the wall time disturbs.
    package static let othersShareLimit = 0.10
    /// Steal above this share of the cores' time disturbs.
    package static let stealShareLimit = 0.05
    /// What two readings of `/proc/stat` cannot tell apart from nothing (its 10 ms units,
    /// twice): others must exceed their share by this much too, so a millisecond repetition
    /// is not judged on rounding.
    package static let resolutionSeconds = 0.02

    /// Lanes that take more than this many times as long for a fixed spin together as one
    /// alone disturb: 1.03x on cores of their own here (1.09x at most in 200 tries), 2.2x with
    /// two lanes on one core.
    package static let lanesTogetherLimit = 1.4

    /// The rule in words, as run.json records it.
    package static var rule: String {
        "others' CPU time > \(Int(othersShareLimit * 100))% of the cores' time over the repetition + "
            + "\(resolutionSeconds) s, "
            + "or steal > \(Int(stealShareLimit * 100))% of it + \(resolutionSeconds) s, "
            + "or the lanes \(lanesTogetherLimit.shortText)x as slow together as alone on a fixed spin"
    }

    /// Whether lanes `lanesTogether` times as slow together as alone disturb.
    package static func lanesSlowerTogether(_ lanesTogether: Double?) -> Bool {
        (lanesTogether ?? 1) > lanesTogetherLimit
    }

    /// Whether others' CPU or steal over a repetition of `wallSeconds` on `processors` CPUs
    /// is more than the limits allow.
    package static func isDisturbed(
        othersCPUSeconds: Double, stealSeconds: Double, wallSeconds: Double, processors: Int
    ) -> Bool {
        let capacity = wallSeconds * Double(max(processors, 1))
        return othersCPUSeconds > othersShareLimit * capacity + resolutionSeconds
            || stealSeconds > stealShareLimit * capacity + resolutionSeconds
    }
}
