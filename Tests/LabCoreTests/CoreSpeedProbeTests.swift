import Testing

@testable import LabCore

/// The probe of the machine's own speed: lanes that share a core are seen to be slower
/// together, and a repetition measured then is disturbed, with that cause.
@Suite struct CoreSpeedProbeTests {
    @Test("two lanes on one core take about twice as long together as one alone; one lane has nothing to compare")
    func sharedCore() throws {
        let cpu = try #require(try Platform.allowedCPUs().first)
        let shared = try #require(CoreSpeedProbe.lanesTogether(2, cpus: [cpu, cpu]))
        // Two lanes take turns on one core: 2.2x on the machine of the front page.
        #expect(shared > Disturbance.lanesTogetherLimit, "\(shared)")
        #expect(CoreSpeedProbe.lanesTogether(1) == nil)
        let free = try #require(CoreSpeedProbe.lanesTogether(2))
        #expect(free.isFinite && free > 0.5, "\(free)")
    }

    @Test("lanes slower together disturb a repetition that others and steal did not")
    func rule() {
        let quiet = MachineLoad(busySeconds: 10, stealSeconds: 0, processors: 2, pressureSeconds: nil)
        let later = MachineLoad(busySeconds: 10.2, stealSeconds: 0, processors: 2, pressureSeconds: nil)
        let together = Interference(from: quiet, to: later, labCPUSeconds: 0.2, seconds: 0.1, lanesTogether: 1.84)
        #expect(together.disturbed && together.slowerTogether && together.othersCPUSeconds == 0)
        let apart = Interference(from: quiet, to: later, labCPUSeconds: 0.2, seconds: 0.1, lanesTogether: 1.05)
        #expect(!apart.disturbed && !apart.slowerTogether)
        #expect(!Interference(from: quiet, to: later, labCPUSeconds: 0.2, seconds: 0.1).disturbed)
        #expect(Disturbance.rule.contains("1.4x as slow together as alone"))
    }
}
