import Testing

@testable import LabCore

@Suite struct SchedulerCountersTests {
    @Test("schedstat and sched give running, waiting and migrations; a kernel without them gives nothing")
    func scheduler() throws {
        let sched = """
            lab (4242, #threads: 3)
            -------------------------------------------------------------------
            se.exec_start                                :      12345678.901234
            se.nr_migrations                             :                   17
            nr_switches                                  :                  250
            """
        let counters = try #require(SchedulerCounters.parse(schedstat: "1500000000 250000000 300\n", sched: sched))
        #expect(counters == SchedulerCounters(runningSeconds: 1.5, waitingSeconds: 0.25, migrations: 17))
        #expect(SchedulerCounters.parse(schedstat: "", sched: sched) == nil)
        #expect(SchedulerCounters.parse(schedstat: "1 2 3", sched: "nr_switches : 4") == nil)
        let later = SchedulerCounters(runningSeconds: 2, waitingSeconds: 0.5, migrations: 20)
        #expect(later.since(counters) == SchedulerCounters(runningSeconds: 0.5, waitingSeconds: 0.25, migrations: 3))
        #expect(counters + later == SchedulerCounters(runningSeconds: 3.5, waitingSeconds: 0.75, migrations: 37))
    }
}
