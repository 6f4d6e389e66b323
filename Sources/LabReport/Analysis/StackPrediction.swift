import LabCore

/// A parallel cell's time predicted before it runs: the sequential cell's time shared out over
/// the workers, plus each part of a speedup stack (``SpeedupStack``) as the machine's unit
/// costs (``UnitCosts``) say it will be. What it knows of the workload is the sequential
/// cell's: its time, its tasks and the bytes its tasks would move (counted, not timed). What
/// it cannot know from one lane, the tasks' slowdown side by side (memory bandwidth, cache
/// lines, the allocator) and waiting for a core behind the coordinator's own threads, it
/// predicts as nothing: where the measurement has them, the comparison names them.
///
/// The parts, per lane:
/// - start-up: the pool's start (``UnitCosts/poolStartSeconds(_:workers:start:)``), and a
///   dataset that copying workers build as they start, page by page;
/// - bytes: the bytes to and from the workers at the transport's cost per byte;
/// - hand-outs: a claim per batch (every task for async) and a cost per task;
/// - imbalance and tail: the sequential cell's task times claimed a batch at a time by
///   whichever lane is free, the last lane's end less the lanes' mean;
/// - waiting for a core: lanes beyond the cores taking turns for the time each needs a core;
/// - faults: a mapped dataset's pages, each a fault on shared memory in every worker;
/// - teardown: an empty worker's end, and the memory of a dataset it copied given back.
package struct StackPrediction: Sendable, Equatable {
    package let workload: String
    package let parameters: String
    package let tasks: Int
    package let mode: ExecutionMode
    package let workers: Int
    package let label: String
    package let idealSeconds: Double
    /// The predicted parts, named as a speedup stack's.
    package let parts: [SpeedupStack.Part]

    /// The ideal time and the parts.
    package var predictedSeconds: Double { idealSeconds + parts.reduce(0) { $0 + $1.seconds } }
    package func seconds(of name: String) -> Double { parts.first { $0.name == name }?.seconds ?? 0 }

    /// What a cell is, for a prediction: its mode, workers and how its workers start and talk.
    package struct Target: Sendable, Equatable {
        package var mode: ExecutionMode
        package var workers: Int
        package var transport: Transport?
        package var start: WorkerStart?
        package var dataset: DatasetPlacement?
        package var label: String

        package init(
            mode: ExecutionMode, workers: Int, transport: Transport? = nil, start: WorkerStart? = nil,
            dataset: DatasetPlacement? = nil, label: String
        ) {
            self.mode = mode
            self.workers = workers
            self.transport = transport
            self.start = start
            self.dataset = dataset
            self.label = label
        }

        /// Whether `other` is the same kind of cell, whatever its workers.
        package func sameKind(as other: Target) -> Bool {
            mode == other.mode && transport == other.transport && start == other.start && dataset == other.dataset
                && qualifiers == other.qualifiers
        }

        /// The label's words after the mode and workers (`, mapped`, ` over shm`).
        var qualifiers: Substring { label.dropFirst(mode.label(workers: workers).count) }

        /// The same kind of cell with `count` workers.
        package func with(workers count: Int) -> Target {
            var target = self
            target.workers = count
            target.label = mode.label(workers: count) + qualifiers
            return target
        }

        /// A measured cell's.
        package init(_ cell: CellSummary) {
            self.init(
                mode: cell.mode, workers: cell.workers, transport: cell.transport, start: cell.start,
                dataset: cell.dataset, label: cell.label)
        }
    }

    /// The prediction for `target` from `sequential` (a sequential cell with a breakdown),
    /// the bytes the workload's tasks move to and from a worker in all (`bytes`, counted in a
    /// process cell or from the workload), and `context`'s unit costs, batch and cores; `nil`
    /// without a breakdown, without unit costs, or for a sequential target.
    package init?(
        _ target: Target, sequential: CellSummary, bytes: (to: Double, from: Double)?, context: SpeedupStack.Context
    ) {
        guard target.mode != .sequential, target.workers >= 1, sequential.mode == .sequential,
            let costs = context.costs,
            let alone = sequential.parts, alone.totalSeconds > 0, alone.totalSeconds.isFinite, sequential.tasks > 0
        else { return nil }
        let lanes = Double(target.workers)
        let tasks = sequential.tasks
        let perTask = alone.seconds(of: "work") / Double(tasks)
        var seconds: [String: Double] = [:]
        seconds["startup"] = costs.poolStartSeconds(target.mode, workers: target.workers, start: target.start) ?? 0
        if target.mode == .processes, let bytes, let perByte = costs.secondsPerByte(target.transport ?? .default) {
            seconds["bytes"] = (bytes.to + bytes.from) * perByte / lanes
        }
        seconds["handouts"] =
            context.handouts(target.mode, transport: target.transport, tasks: tasks, workers: target.workers)?.seconds
        seconds["idle"] = Self.idleSeconds(
            taskSeconds: sequential.taskSeconds ?? .uniform(perTask, tasks: tasks), tasks: tasks,
            perClaim: context.tasksPerClaim(target.mode, tasks: tasks, workers: target.workers), lanes: target.workers)
        if let cores = context.cores, target.workers > cores, cores > 0 {
            // Each lane's time on a core (the sequential lane's, shared out; its work where
            // the scheduler did not count it), and N lanes on fewer cores take turns: a lane
            // waits (N - cores) / cores of it. Work that waits for I/O needs no core.
            let running = (sequential.counters.laneRunningSeconds ?? alone.seconds(of: "work")) / lanes
            seconds["waiting"] = running * (lanes - Double(cores)) / Double(cores)
        }
        if target.mode == .processes {
            let datasetPages = (sequential.counters.datasetBytes ?? 0) / Double(Platform.pageSize)
            if target.dataset == .map, let fault = costs.value("minor_fault_shared").map({ $0 / 1e6 }) {
                seconds["faults"] = datasetPages * fault
            } else if let fault = costs.faultSeconds {
                // A worker that copies the dataset builds it as it starts, each page a fault
                // (filling it costs more, which the sequential cell does not show).
                seconds["startup", default: 0] += datasetPages * fault
            }
            // A worker's end (its last frame, its exit, the wait for it), and the memory it
            // gives back beyond an empty worker's: a dataset it copied.
            let copied = target.dataset == .map ? 0 : sequential.counters.datasetBytes ?? 0
            seconds["teardown"] =
                (costs.value("worker_teardown").map { $0 / 1e3 } ?? 0) + copied * (costs.teardownSecondsPerByte ?? 0)
        }
        workload = sequential.workload
        parameters = sequential.parameters
        self.tasks = tasks
        mode = target.mode
        workers = target.workers
        label = target.label
        // What the sequential cell spent outside its work, its lanes share out as the ideal.
        idealSeconds = alone.totalSeconds / lanes
        let predicted = idealSeconds + seconds.values.reduce(0, +)
        parts = SpeedupStack.partNames.map { name in
            let value = seconds[name] ?? 0
            return SpeedupStack.Part(name: name, seconds: value, lostSpeedup: lanes * value / predicted)
        }
    }

    /// The lanes' average idle time at the end: `tasks` tasks of `taskSeconds` (in order; a
    /// task without a time counts none) claimed `perClaim` at a time by whichever of `lanes`
    /// lanes is free first; the last lane to finish less the lanes' mean.
    static func idleSeconds(taskSeconds: TaskTimes, tasks: Int, perClaim: Int, lanes: Int) -> Double {
        guard lanes > 1, perClaim >= 1, tasks > 0 else { return 0 }
        var busy = LaneHeap(lanes: lanes)
        var cursor = 0
        var start = 0
        while start < tasks {
            let end = tasks - start > perClaim ? start + perClaim : tasks
            busy.addToFreest(taskSeconds.seconds(in: start..<end, cursor: &cursor))
            start = end
        }
        return busy.latest - busy.total / Double(lanes)
    }

    /// The part whose prediction missed the measured `stack`'s most, with both times; `nil`
    /// when every part is within a millisecond.
    package func worstMiss(against stack: SpeedupStack) -> (part: String, predicted: Double, measured: Double)? {
        let misses = SpeedupStack.partNames.map {
            (part: $0, predicted: seconds(of: $0), measured: stack.seconds(of: $0))
        }
        guard let worst = misses.max(by: { abs($0.predicted - $0.measured) < abs($1.predicted - $1.measured) }),
            abs(worst.predicted - worst.measured) >= 0.001
        else { return nil }
        return worst
    }
}

extension StackPrediction {
    /// The bytes a workload setting's tasks moved to and from the workers in all, from any
    /// process cell of `summaries` with the key `workloadKey` (a count, the same in every
    /// process cell); `nil` when none counted them.
    package static func bytes(of summaries: [CellSummary], workloadKey: String) -> (to: Double, from: Double)? {
        summaries.lazy.filter { $0.mode == .processes && $0.workloadKey == workloadKey }.compactMap { cell in
            cell.counters.bytesToWorkers.flatMap { to in cell.counters.bytesFromWorkers.map { (to, $0) } }
        }.first
    }

    /// The prediction of every parallel cell of `summaries` that has a sequential cell, by
    /// cell key.
    package static func predictions(
        of summaries: [CellSummary], context: SpeedupStack.Context
    ) -> [String: StackPrediction] {
        var found: [String: StackPrediction] = [:]
        for cell in summaries where cell.mode != .sequential {
            guard
                let sequential = summaries.first(where: { $0.mode == .sequential && $0.workloadKey == cell.workloadKey }
                ),
                let prediction = StackPrediction(
                    Target(cell), sequential: sequential, bytes: bytes(of: summaries, workloadKey: cell.workloadKey),
                    context: context)
            else { continue }
            found[cell.cellKey] = prediction
        }
        return found
    }
}

/// The lanes of a simulated pool by how busy each is, the least busy first: a claim goes to
/// the lane free first in O(log lanes), so a pool of a thousand lanes simulates as fast as two.
struct LaneHeap {
    private var busy: [Double]
    private(set) var total = 0.0
    private(set) var latest = 0.0

    init(lanes: Int) {
        busy = [Double](repeating: 0, count: max(lanes, 1))
    }

    /// Gives `seconds` to the least busy lane.
    mutating func addToFreest(_ seconds: Double) {
        busy[0] += seconds
        total += seconds
        latest = max(latest, busy[0])
        var index = 0
        while true {
            let (left, right) = (2 * index + 1, 2 * index + 2)
            var smallest = index
            if left < busy.count, busy[left] < busy[smallest] { smallest = left }
            if right < busy.count, busy[right] < busy[smallest] { smallest = right }
            guard smallest != index else { return }
            busy.swapAt(index, smallest)
            index = smallest
        }
    }
}
