import LabCore
import LabReport

/// `lab crossover`: for one workload and one of its integer size parameters, measures
/// sequential and the pools (threads and processes, or those `--modes` names) at growing
/// sizes (doubling), then bisects each bracket
/// where a mode starts to win, and reports the sizes where that happens.
package struct CrossoverScan: Sendable {
    package typealias Crossing = CrossoverFinding.Crossing
    package typealias Point = CrossoverPoint
    package typealias Finding = CrossoverFinding

    /// The smallest and the largest size.
    package let sizes: ClosedRange<Int>
    /// Extra sizes measured inside each bracket where a crossing happens.
    package let bisections: Int
    /// How much slower than threads processes may be and still count as caught up (0.1 = 10%).
    package let tolerance: Double
    /// What the scan looks for, in order (``CrossoverFinding/Crossing/all(for:)`` of its modes).
    package let crossings: [Crossing]

    package init(
        sizes: ClosedRange<Int>, bisections: Int, tolerance: Double,
        crossings: [Crossing] = Crossing.all(for: [.threads, .processes])
    ) {
        self.sizes = sizes
        self.bisections = bisections
        self.tolerance = tolerance
        self.crossings = crossings
    }

    /// The doubling sizes: `from`, 2 x `from`, ... and `to` itself last.
    package var doublingSizes: [Int] {
        var sizes: [Int] = []
        var size = self.sizes.lowerBound
        while size < self.sizes.upperBound {
            sizes.append(size)
            size = size > Int.max / 2 ? Int.max : size * 2
        }
        sizes.append(self.sizes.upperBound)
        return sizes
    }

    /// Runs the scan: every doubling size, then the bisections of each bracket where a
    /// crossing happens. `measure` is asked for each size once, with its phase (`doubling` or
    /// `bisecting`); the scan itself measures nothing, so it can be tested with made-up points.
    /// - Throws: what `measure` throws; the scan stops there.
    package func run(
        measure: (_ size: Int, _ phase: String) throws -> Point
    ) rethrows -> (points: [Point], findings: [Finding]) {
        var points: [Int: Point] = [:]
        func point(_ size: Int, phase: String) throws -> Point {
            if let known = points[size] { return known }
            let measured = try measure(size, phase)
            points[size] = measured
            return measured
        }
        for size in doublingSizes {
            _ = try point(size, phase: "doubling")
        }
        var findings: [Finding] = []
        for crossing in crossings {
            let ordered = points.values.sorted { $0.size < $1.size }
            guard let first = ordered.firstIndex(where: { $0.holds(crossing, tolerance: tolerance) }) else {
                findings.append(Finding(crossing: crossing, location: .never(upTo: sizes.upperBound)))
                continue
            }
            if first == 0 {
                findings.append(Finding(crossing: crossing, location: .fromTheStart(size: ordered[0].size)))
                continue
            }
            var below = ordered[first - 1].size
            var above = ordered[first].size
            for _ in 0..<bisections {
                // The geometric middle: sizes are scanned on a doubling scale.
                let middle = Int((Double(below) * Double(above)).squareRoot().rounded())
                guard middle > below, middle < above else { break }
                if try point(middle, phase: "bisecting").holds(crossing, tolerance: tolerance) {
                    above = middle
                } else {
                    below = middle
                }
            }
            findings.append(Finding(crossing: crossing, location: .between(below: below, size: above)))
        }
        return (points.values.sorted { $0.size < $1.size }, findings)
    }
}

/// Measures one size of a crossover scan: sequential and the pooled `modes`, one warm-up
/// round, then `repetitions` interleaved rounds, through the run's session.
package struct CrossoverMeasurement: Sendable {
    package let workload: any Workload.Type
    package let parameter: ParameterSpec
    /// The other parameters, as `--set` gives them.
    package let overrides: [String: String]
    package let workers: Int
    /// The pooled modes compared with sequential.
    package let modes: [ExecutionMode]
    /// `nil`: the workload's own task count at each size.
    package let tasks: Int?
    package let repetitions: Int
    package let runner: ExperimentRunner
    package let session: RunSession
    /// What the worker processes talk over (`--transport`).
    package let transport: Transport
    /// Where the workers get a dataset (`--dataset`), and how they start (`--start`).
    package let dataset: DatasetPlacement
    package let start: WorkerStart

    package init(
        workload: any Workload.Type, parameter: ParameterSpec, overrides: [String: String], workers: Int,
        modes: [ExecutionMode] = [.threads, .processes],
        tasks: Int?, repetitions: Int, transport: Transport = .default, dataset: DatasetPlacement = .default,
        start: WorkerStart = .default, runner: ExperimentRunner,
        session: RunSession
    ) {
        self.transport = transport
        self.dataset = dataset
        self.start = start
        self.workload = workload
        self.parameter = parameter
        self.overrides = overrides
        self.workers = workers
        self.modes = modes
        self.tasks = tasks
        self.repetitions = repetitions
        self.runner = runner
        self.session = session
    }

    /// The workload's parameters at `size`.
    package func parameters(at size: Int) throws(ConfigurationError) -> Parameters {
        var values = overrides
        values[parameter.name] = String(size)
        return try workload.parameters(overriding: values)
    }

    /// The medians of the successful repetitions of each mode at `size`.
    /// - Throws: ``ChecksumProof/Mismatch`` when the modes did different work, or a
    ///   ``ConfigurationError`` (or the workload's error) when the size is refused.
    package func point(at size: Int, phase: String) throws -> CrossoverScan.Point {
        let configured = try ConfiguredWorkload(type: workload, parameters: try parameters(at: size), taskCount: tasks)
        let measured = try ModeComparison(
            measuring: configured, modes: [.sequential] + modes, workers: workers, repetitions: repetitions,
            transport: transport, dataset: dataset,
            start: start, runner: runner, session: session)
        return CrossoverScan.Point(
            size: size, tasks: configured.taskCount, sequentialSeconds: measured.median(.sequential),
            seconds: Dictionary(uniqueKeysWithValues: modes.map { ($0, measured.median($0)) }), phase: phase,
            records: measured.records)
    }
}
