import Testing

@testable import LabCore

@Suite struct ExperimentPlanTests {
    @Test("a plan runs sequential once per workload and every other mode per worker count")
    func planCells() throws {
        let plan = ExperimentPlan(
            workloads: [try configuredEcho(), try configuredEcho(["size": "5"])], modes: ExecutionMode.allCases,
            workerCounts: [1, 2, 4], repetitions: 3, warmup: 1)
        #expect(plan.cells.count == 2 * (1 + 3 + 3 + 3))
        #expect(plan.cells.filter { $0.mode == .sequential }.allSatisfy { $0.workers == 1 })
        #expect(plan.totalRepetitions == 20 * 4)
    }
}
