import Foundation
import LabCore
import Testing

@testable import LabReport

@Suite struct RunDescriptionTests {
    @Test(
        "a run description names what differs from another's build and machine, and a plan what differs from another plan"
    )
    func differences() throws {
        let machine = MachineDescription(
            cpuModel: "EPYC", cores: 2, memoryKiB: 24_000_000, kernel: "Linux 6.1 x86_64", hostname: "box")
        let plan = RunDescription.Plan(
            workloads: [
                RunDescription.PlannedWorkload(name: "primes", kind: "cpu", parameters: "limit=300000", tasks: 8)
            ], modes: ["sequential", "threads"],
            workers: [2], repetitions: 5, warmup: 1, order: "interleaved", batch: "auto", pin: "none",
            transports: ["pipe"], spin: 2000)
        let run = RunDescription(
            runID: "r", labVersion: "0.7.0", gitCommit: "abc", swiftVersion: "6.3", buildConfiguration: "release",
            machine: machine, plan: plan,
            startedAt: "2026-12-06T04:00:00Z", endedAt: nil, partial: true)
        var other = run
        #expect(run.differences(from: other).isEmpty)
        other.labVersion = "0.8.0"
        other.machine.cores = 4
        other.startedAt = "2026-12-07T00:00:00Z"
        #expect(
            run.differences(from: other) == [
                "lab version: 0.7.0 in the folder, 0.8.0 now", "cores: 2 in the folder, 4 now",
            ])
        var otherPlan = plan
        otherPlan.repetitions = 7
        otherPlan.workloads[0].parameters = "limit=5000"
        #expect(
            plan.differences(from: otherPlan) == [
                "primes parameters: limit=300000 in the folder, limit=5000 now", "repetitions: 5 in the folder, 7 now",
            ])
        #expect(plan.differences(from: plan).isEmpty)
        #expect(UTCTime.unixTime(iso8601: "2026-12-06T04:00:00Z") == 1_796_529_600)
        #expect(UTCTime.unixTime(iso8601: "yesterday") == nil)
    }
}
