import LabCore
import Testing

@testable import LabReport

/// Task times given one per task, as runs of one task each.
func times(_ seconds: [Double]) -> TaskTimes {
    TaskTimes(
        seconds.enumerated().map { TaskTimes.Run(first: $0.offset, count: 1, seconds: $0.element) },
        tasks: seconds.count)
}

/// Unit costs read from a calibration file from anyone, and a cell's time predicted from the
/// sequential cell and those costs.
@Suite struct StackPredictionTests {
    @Test(
        "a calibration file gives the costs the lab uses, and leaves out rows in another unit, not finite or below zero"
    )
    func readsCalibration() throws {
        let text = """
            measurement,value,unit,samples,detail
            minor_fault_anonymous,2.000,us,5,a fault
            pipe_bandwidth,1024.000,MiB/s,3,"a pipe, read"
            process_spawn_to_ready,4.000,us,3,the wrong unit
            task_cost_processes,nan,us,3,not a number
            task_cost_threads,-1.000,us,3,below zero
            cores,2.000,count,1,cores
            made_up,1.000,us,1,not used

            """
        let costs = try UnitCosts.parse(calibrationCSV: text, source: "calibration.csv")
        #expect(costs.measurements.map(\.measurement) == ["minor_fault_anonymous", "pipe_bandwidth", "cores"])
        #expect(costs.faultSeconds == 2e-6 && costs.cores == 2)
        #expect(abs((costs.secondsPerByte(.pipe) ?? 0) - 1 / (1024 * 1_048_576)) < 1e-18)
        #expect(
            costs.handout(.processes, transport: .pipe) == nil
                && costs.poolStartSeconds(.processes, workers: 2, start: .spawn) == nil)
        #expect(throws: LabFailure.self) {
            try UnitCosts.parse(calibrationCSV: "workload,mode\nprimes,threads\n", source: "results.csv")
        }
        #expect(throws: LabFailure.self) {
            try UnitCosts.parse(calibrationCSV: "measurement,value,unit\nmade_up,1,us\n", source: "other.csv")
        }
        // Kept in run.json from anyone: the same checks when read back.
        let hostile = UnitCosts(
            source: "x",
            measurements: [
                .init(measurement: "minor_fault_anonymous", value: -3, unit: "us"),
                .init(measurement: "cores", value: 1e300, unit: "count"),
            ])
        #expect(hostile.checked.faultSeconds == nil && hostile.checked.cores == nil)
    }

    @Test("the tail: task times claimed a batch at a time by the first free lane, the last lane's end less the mean")
    func tail() {
        // The tutorial's sleeps on two lanes: 0.3 alone, 0.2 then 0.1 on the other: even.
        #expect(
            abs(StackPrediction.idleSeconds(taskSeconds: times([0.3, 0.2, 0.1]), tasks: 3, perClaim: 1, lanes: 2))
                < 1e-12)
        // Three equal tasks: one lane runs two, 0.4 against a mean of 0.3.
        #expect(
            abs(
                StackPrediction.idleSeconds(taskSeconds: times([0.2, 0.2, 0.2]), tasks: 3, perClaim: 1, lanes: 2) - 0.1)
                < 1e-12)
        // Two to a claim: 0.4 and 0.2, mean 0.3.
        #expect(
            abs(
                StackPrediction.idleSeconds(
                    taskSeconds: times([0.1, 0.1, 0.1, 0.1, 0.1, 0.1]), tasks: 6, perClaim: 2, lanes: 2) - 0.1) < 1e-12)
        #expect(StackPrediction.idleSeconds(taskSeconds: times([0.5]), tasks: 1, perClaim: 1, lanes: 1) == 0)
    }

    @Test("a prediction is the ideal time and its parts, each from a unit cost; the worst miss names a part")
    func predicts() throws {
        let costs = UnitCosts(
            source: "test",
            measurements: [
                .init(measurement: "pipe_bandwidth", value: 1024, unit: "MiB/s"),
                .init(measurement: "task_cost_processes", value: 40, unit: "us"),
                .init(measurement: "process_spawn", value: 1, unit: "ms"),
                .init(measurement: "process_spawned_to_ready", value: 3, unit: "ms"),
                .init(measurement: "worker_teardown", value: 0.5, unit: "ms"),
                .init(measurement: "threads_pool_of_2_ready", value: 0.2, unit: "ms"),
            ])
        var sequential = CellSummary.summarize(
            (0..<3).map { index in
                var record = sampleRecord(mode: .sequential, workers: 1, wall: 0.6)
                record.repetition = index + 1
                record.breakdown = TimeBreakdown(
                    startupSeconds: 0, workSeconds: 0.6, exchangeSeconds: 0, idleSeconds: 0, teardownSeconds: 0,
                    residualSeconds: 0)
                return record
            })[0]
        sequential.taskSeconds = times([0.3, 0.2, 0.1])
        let context = SpeedupStack.Context(costs: costs, batch: .fixed(1), cores: 2)
        let target = StackPrediction.Target(
            mode: .processes, workers: 2, transport: .pipe, start: .spawn, label: "processes x2")
        let prediction = try #require(
            StackPrediction(target, sequential: sequential, bytes: (to: 2 * 1_048_576, from: 0), context: context))
        #expect(abs(prediction.idealSeconds - 0.3) < 1e-12)
        // Two Process.run of 1 ms, then 3 ms of loading side by side.
        #expect(abs(prediction.seconds(of: "startup") - 0.005) < 1e-12)
        // 2 MiB at 1,024 MiB a second over two lanes; three claims of 40 us over two lanes.
        let bytes = 2.0 / 1024 / 2
        #expect(abs(prediction.seconds(of: "bytes") - bytes) < 1e-12)
        #expect(abs(prediction.seconds(of: "handouts") - 3 * 40e-6 / 2) < 1e-12)
        #expect(prediction.seconds(of: "idle") < 1e-12 && prediction.seconds(of: "waiting") == 0)
        #expect(abs(prediction.seconds(of: "teardown") - 0.0005) < 1e-12)
        let total: Double = 0.3 + 0.005 + bytes + 0.00006 + 0.0005
        #expect(abs(prediction.predictedSeconds - total) < 1e-12)
        // Four lanes on two cores take turns: each waits as long as it runs.
        let crowded = try #require(
            StackPrediction(target.with(workers: 4), sequential: sequential, bytes: nil, context: context))
        #expect(crowded.label == "processes x4" && abs(crowded.seconds(of: "waiting") - 0.6 / 4) < 1e-12)
        // Work that waits for I/O (the sequential lane ran 0.06 s of its 0.6) waits little for a core.
        var sleeper = sequential
        sleeper.counters.laneRunningSeconds = 0.06
        let sleepers = try #require(
            StackPrediction(target.with(workers: 4), sequential: sleeper, bytes: nil, context: context))
        #expect(abs(sleepers.seconds(of: "waiting") - 0.06 / 4) < 1e-12)
        // Threads: half a pool of two a lane.
        let threads = try #require(
            StackPrediction(
                .init(mode: .threads, workers: 2, label: "threads x2"), sequential: sequential, bytes: nil,
                context: context))
        #expect(abs(threads.seconds(of: "startup") - 0.0002) < 1e-12 && threads.seconds(of: "bytes") == 0)
        // No costs, or a sequential target: no prediction.
        #expect(
            StackPrediction(
                target, sequential: sequential, bytes: nil,
                context: SpeedupStack.Context(costs: nil, batch: .fixed(1), cores: 2)) == nil)
        #expect(
            StackPrediction(
                .init(mode: .sequential, workers: 1, label: "sequential"), sequential: sequential, bytes: nil,
                context: context) == nil)
    }
}
