/// The machine before measuring, as pyperf's `system show` and Google Benchmark's start-up
/// warnings look at it: what would spoil the numbers, each with what to do about it.
package struct MachineCheck: Sendable, Equatable {
    /// One thing looked at.
    package struct Finding: Sendable, Equatable, Codable {
        package enum Level: String, Sendable, Codable {
            /// Nothing to do.
            case ok
            /// Worth knowing; numbers stay comparable.
            case note
            /// Would spoil the numbers; the text says what to do.
            case warning
        }

        package var topic: String
        package var level: Level
        package var text: String

        package init(topic: String, level: Level, text: String) {
            self.topic = topic
            self.level = level
            self.text = text
        }
    }

    package var findings: [Finding]

    package init(findings: [Finding]) {
        self.findings = findings
    }

    /// The findings that would spoil the numbers.
    package var warnings: [Finding] { findings.filter { $0.level == .warning } }

    /// Looks at this machine now. Watches the rest of the machine for `sampleSeconds` to see
    /// what others take (the calling process sleeps meanwhile).
    /// - Parameter debugBuild: whether the calling binary is a debug build.
    /// `ids` as a comma list, its first 16 and a count of the rest beyond them.
    static func shortList(_ ids: [Int]) -> String {
        let shown = ids.prefix(16).map(String.init).joined(separator: ",")
        return ids.count > 16 ? shown + " and \(ids.count - 16) more" : shown
    }

    package static func current(sampleSeconds: Double, debugBuild: Bool) -> MachineCheck {
        var findings: [Finding] = []
        let cores = Platform.activeProcessorCount
        // SMT: a core whose sibling list names more than one CPU shares its core.
        let siblings = Platform.readSmallFile("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list")?
            .trimmingWhitespace()
        let shared = siblings.map { $0.contains(",") || $0.contains("-") } ?? false
        findings.append(
            Finding(
                topic: "cores", level: .ok,
                text: "\(cores) online"
                    + (siblings == nil
                        ? "; SMT not exposed"
                        : shared
                            ? "; cpu0 shares its core with SMT siblings (\(siblings!)): two lanes on siblings compete "
                                + "for one core's units, so --workers above the physical cores measures SMT"
                            : "; no SMT siblings")))
        findings.append(
            CPUTopology.current.map {
                Finding(
                    topic: "topology", level: .ok,
                    text: $0.summary + "; --pin spread takes CPUs " + Self.shortList($0.spreadOrder))
            }
                ?? Finding(
                    topic: "topology", level: .note,
                    text: "the CPUs this process may use cannot be read: --pin is refused"))
        findings.append(frequency())
        findings.append(load(sampleSeconds: sampleSeconds, cores: cores))
        findings.append(
            HardwareCounterGroup.unavailableReason.map {
                Finding(
                    topic: "hardware counters", level: .note,
                    text: "unavailable: \($0); all_cycles, all_instructions and all_cache_misses stay empty")
            }
                ?? Finding(
                    topic: "hardware counters", level: .ok, text: "cycles, instructions and cache misses are counted"))
        findings.append(
            Platform.threadSchedulerCounters() == nil
                ? Finding(
                    topic: "scheduler statistics", level: .note,
                    text: "this kernel has no /proc/<pid>/task/<tid>/schedstat: the lanes_* columns stay empty")
                : Finding(
                    topic: "scheduler statistics", level: .ok,
                    text: "each lane's time waiting for a core and its migrations are counted"))
        findings.append(swap())
        findings.append(
            debugBuild
                ? Finding(
                    topic: "build", level: .warning,
                    text:
                        "this lab is a debug build: its timings are not representative; use 'swift run -c release lab "
                        + "...'"
                )
                : Finding(topic: "build", level: .ok, text: "release"))
        return MachineCheck(findings: findings)
    }

    /// The frequency governor, where the kernel exposes one.
    static func frequency() -> Finding {
        let base = "/sys/devices/system/cpu/cpu0/cpufreq/"
        guard let governor = Platform.readSmallFile(base + "scaling_governor")?.trimmingWhitespace() else {
            return Finding(
                topic: "frequency", level: .note,
                text: "not exposed (no cpufreq: a VM or a kernel without it, where the host or firmware sets the clock)"
            )
        }
        let low = Platform.readSmallFile(base + "scaling_min_freq")?.trimmingWhitespace()
        let high = Platform.readSmallFile(base + "scaling_max_freq")?.trimmingWhitespace()
        let fixed = low != nil && low == high
        if governor == "performance" || fixed {
            return Finding(
                topic: "frequency", level: .ok, text: "governor \(governor)" + (fixed ? ", fixed at \(high!) kHz" : ""))
        }
        return Finding(
            topic: "frequency", level: .warning,
            text:
                "governor \(governor): the clock follows the load, so the first repetitions and short cells run "
                + "slower; "
                + "set the performance governor (cpupower frequency-set -g performance) or keep --warmup")
    }

    /// What the rest of the machine takes now, and steal since boot.
    static func load(sampleSeconds: Double, cores: Int) -> Finding {
        guard let before = Platform.machineLoad() else {
            return Finding(
                topic: "load", level: .note, text: "/proc/stat cannot be read: others' load and steal are not measured")
        }
        let ownBefore = Platform.processUsage()
        let started = Platform.monotonicSeconds()
        Platform.sleep(seconds: sampleSeconds)
        let wall = Platform.monotonicSeconds() - started
        guard let after = Platform.machineLoad() else {
            return Finding(
                topic: "load", level: .note, text: "/proc/stat cannot be read: others' load and steal are not measured")
        }
        let interference = Interference(
            from: before, to: after, labCPUSeconds: Platform.processUsage().since(ownBefore).cpuSeconds, seconds: wall)
        // /proc/stat's 10 ms units can make a short look count more than every core.
        let othersCores = min(
            (interference.othersCPUSeconds + interference.stealSeconds) / max(wall, 1e-9), Double(cores))
        let stealSinceBoot =
            after.busySeconds + after.stealSeconds > 0
            ? after.stealSeconds / (after.busySeconds + after.stealSeconds) : 0
        let text =
            "others used \(fixedText(othersCores)) of \(cores) cores over the last \(fixedText(wall)) s (steal "
            + "\(fixedText(interference.stealSeconds / max(wall, 1e-9))) cores); "
            + "steal was \(fixedText(stealSinceBoot * 100))% of the busy time since boot"
        guard interference.disturbed else { return Finding(topic: "load", level: .ok, text: text) }
        return Finding(
            topic: "load", level: .warning,
            text: text
                + ": repetitions measured now would be disturbed; stop or wait for the other work (top shows it), or "
                + "measure elsewhere"
        )
    }

    /// Swap in use: a page swapped out and back in costs a major fault.
    static func swap() -> Finding {
        let meminfo = Platform.readSmallFile("/proc/meminfo") ?? ""
        guard let total = ProcText.value(named: "SwapTotal", in: meminfo, separator: ":"),
            let free = ProcText.value(named: "SwapFree", in: meminfo, separator: ":")
        else { return Finding(topic: "swap", level: .note, text: "/proc/meminfo has no swap lines") }
        let used = total - free
        guard used > 0 else {
            return Finding(topic: "swap", level: .ok, text: total == 0 ? "none configured" : "none in use")
        }
        return Finding(
            topic: "swap", level: .warning,
            text:
                "\(used / 1024) MiB in use: pages swapped back in are major faults inside the measured time; free "
                + "memory or turn swap off (swapoff -a)"
        )
    }

    private static func fixedText(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
