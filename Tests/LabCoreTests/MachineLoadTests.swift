import Testing

@testable import LabCore

/// The machine's load read from /proc, on texts as this machine kind writes them, the rule
/// that calls a repetition disturbed, and this machine's own readings.
@Suite struct MachineLoadTests {

    @Test("/proc/stat's first line gives busy and steal time; the cpuN lines count the CPUs; PSI gives the stall total")
    func machineLoad() throws {
        let stat = """
            cpu  6614 10 1330 58233 161 20 13 4 0 0
            cpu0 2515 5 494 30163 7 10 5 1 0 0
            cpu1 4099 5 836 28069 153 10 7 3 0 0
            intr 123456
            ctxt 98765
            """
        let pressure =
            "some avg10=0.99 avg60=0.80 avg300=0.38 total=2725938\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
        let load = try #require(MachineLoad.parse(stat: stat, pressure: pressure))
        // user + nice + system + irq + softirq; iowait and idle are not busy, steal is apart.
        #expect(abs(load.busySeconds - (6614 + 10 + 1330 + 20 + 13) / 100.0) < 1e-9)
        #expect(abs(load.stealSeconds - 0.04) < 1e-12)
        #expect(load.processors == 2)
        #expect(load.pressureSeconds == 2.725938)
        #expect(MachineLoad.parse(stat: stat, pressure: nil)?.pressureSeconds == nil)
        #expect(MachineLoad.parse(stat: "intr 1\n", pressure: nil) == nil)
    }

    @Test("others are the machine's busy time less the lab's own, never negative; disturbed past the rule's shares")
    func interference() {
        let before = MachineLoad(busySeconds: 100, stealSeconds: 1, processors: 2, pressureSeconds: 10)
        // A 1 s repetition on 2 cores that used 1 cpu-s itself while the machine was busy 1.9.
        let busy = Interference(
            from: before, to: MachineLoad(busySeconds: 101.9, stealSeconds: 1, processors: 2, pressureSeconds: 10.5),
            labCPUSeconds: 1,
            seconds: 1)
        #expect(abs(busy.othersCPUSeconds - 0.9) < 1e-9 && busy.disturbed && busy.pressureSeconds == 0.5)
        // /proc/stat's 10 ms units can count less than the lab's precise usage: 0, not negative.
        let quiet = Interference(
            from: before, to: MachineLoad(busySeconds: 100.99, stealSeconds: 1, processors: 2, pressureSeconds: nil),
            labCPUSeconds: 1,
            seconds: 1)
        #expect(quiet.othersCPUSeconds == 0 && !quiet.disturbed && quiet.pressureSeconds == nil)
        // The limits: 10% of the cores' time plus the resolution, 5% for steal.
        #expect(!Disturbance.isDisturbed(othersCPUSeconds: 0.21, stealSeconds: 0, wallSeconds: 1, processors: 2))
        #expect(Disturbance.isDisturbed(othersCPUSeconds: 0.23, stealSeconds: 0, wallSeconds: 1, processors: 2))
        #expect(Disturbance.isDisturbed(othersCPUSeconds: 0, stealSeconds: 0.13, wallSeconds: 1, processors: 2))
        // A millisecond repetition is not judged on one 10 ms unit of /proc/stat.
        #expect(!Disturbance.isDisturbed(othersCPUSeconds: 0.01, stealSeconds: 0.01, wallSeconds: 0.001, processors: 2))
    }

    @Test(
        "this machine's readings are there and sane: the calling thread ran, the machine was busy, steal is not negative"
    )
    func thisMachine() throws {
        let thread = try #require(Platform.threadSchedulerCounters())
        #expect(thread.runningSeconds > 0 && thread.waitingSeconds >= 0 && thread.migrations >= 0)
        let load = try #require(Platform.machineLoad())
        #expect(load.busySeconds > 0 && load.stealSeconds >= 0 && load.processors >= 1)
        // Either the machine counts cycles, or the lab knows why it cannot.
        if let reason = HardwareCounterGroup.unavailableReason {
            #expect(reason.contains("perf_event_open"))
        } else {
            let group = try HardwareCounterGroup.open()
            var sum: UInt64 = 0
            for value in 0..<1_000_000 { sum &+= UInt64(value) }
            #expect(sum > 0)
            #expect((group.read()?.instructions ?? 0) > 0)
        }
    }
}
