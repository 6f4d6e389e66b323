import Glibc
import LabCore
import Synchronization

/// The operating system's floor for a workload on threads and on processes: the same tasks
/// run by bare threads, or by bare forked children, with no engine between them (no ledger,
/// transport, timeline or watchdog). `lab calibrate-peer floor` runs it in a process of its
/// own, single-threaded until it starts its lanes, so that forking it is safe and costs what
/// forking a small process costs; `lab bench` compares the lab's processes to it.
///
/// The workload and its dataset are built before the clock starts (as the lab's coordinator
/// builds them before a cell); the lanes take tasks `i`, `i + lanes`, ... Forked children
/// share the dataset's memory file as `--dataset map` workers do, each makes its tasks'
/// inputs, runs them, writes each task's checksum and payload digest to a pipe and exits;
/// the clock stops when every child has been waited for (threads: joined). The checksum of
/// the outcomes in task order proves the floor did the lab's work.
package enum FloorPeer {
    /// What a floor measured: the wall seconds from before the lanes start until they are all
    /// gone, and the run's checksum.
    package struct Measurement: Sendable {
        package var seconds: Double
        package var checksum: UInt64
    }

    /// Measures `workload` on `lanes` bare lanes of `mode` (threads or processes).
    /// - Throws: ``LabFailure`` when a lane fails (a task throws, a child dies or says nothing).
    package static func measure(_ workload: ConfiguredWorkload, mode: ExecutionMode, lanes: Int) throws -> Measurement {
        let body = workload.instance
        let tasks = workload.taskCount
        let lanes = max(1, min(lanes, tasks))
        var outcomes = [(UInt64, UInt64)?](repeating: nil, count: tasks)
        let started = Platform.monotonicSeconds()
        switch mode {
        case .processes:
            var children: [(processID: Int32, results: Int32)] = []
            defer { children.forEach { Platform.close($0.results) } }
            for lane in 0..<lanes {
                let pipe = try Platform.makePipe()
                let child = try Platform.fork()
                if child == 0 {
                    Platform.close(pipe.read)
                    var words: [UInt64] = []
                    do {
                        for index in stride(from: lane, to: tasks, by: lanes) {
                            let (checksum, digest) = try outcome(of: body, task: index)
                            words += [UInt64(index), checksum, digest]
                        }
                        try Platform.writeAll(pipe.write, words.withUnsafeBytes { Array($0) })
                        Platform.exitImmediately(0)
                    } catch {
                        Platform.exitImmediately(1)
                    }
                }
                Platform.close(pipe.write)
                children.append((child, pipe.read))
            }
            for child in children {
                let bytes = try Platform.readAll(child.results, limit: 24 * tasks) ?? []
                let status = try Platform.reap(child.processID, blocking: true) ?? -1
                guard status == 0, bytes.count % 24 == 0 else {
                    throw LabFailure(
                        "a floor child of \(workload.name) \(ForkServer.describe(status: status)) after \(bytes.count) "
                            + "bytes"
                    )
                }
                bytes.withUnsafeBytes { raw in
                    for record in 0..<(bytes.count / 24) {
                        let words = (0..<3).map {
                            raw.loadUnaligned(fromByteOffset: record * 24 + $0 * 8, as: UInt64.self)
                        }
                        if words[0] < UInt64(tasks) { outcomes[Int(words[0])] = (words[1], words[2]) }
                    }
                }
            }
        default:
            let gathered = Mutex<[(Int, UInt64, UInt64)]>([])
            let failure = Mutex<String?>(nil)
            var threads: [JoinableThread] = []
            for lane in 0..<lanes {
                threads.append(
                    try JoinableThread {
                        var mine: [(Int, UInt64, UInt64)] = []
                        do {
                            for index in stride(from: lane, to: tasks, by: lanes) {
                                let (checksum, digest) = try outcome(of: body, task: index)
                                mine.append((index, checksum, digest))
                            }
                        } catch {
                            failure.withLock { $0 = "\(error)" }
                        }
                        gathered.withLock { $0 += mine }
                    })
            }
            threads.forEach { $0.join() }
            if let message = failure.withLock({ $0 }) {
                throw LabFailure("a floor thread of \(workload.name) failed: \(message)")
            }
            for (index, checksum, digest) in gathered.withLock({ $0 }) { outcomes[index] = (checksum, digest) }
        }
        let seconds = Platform.monotonicSeconds() - started
        var checksum = Checksum()
        for (index, pair) in outcomes.enumerated() {
            guard let pair else { throw LabFailure("the floor of \(workload.name) lost task \(index)") }
            checksum.combine(pair.0)
            checksum.combine(pair.1)
        }
        return Measurement(seconds: seconds, checksum: checksum.value)
    }

    /// Task `index`'s checksum and payload digest.
    private static func outcome(of body: any Workload, task index: Int) throws -> (UInt64, UInt64) {
        let input = body.input(forTask: index)
        let result = TaskOutcome(output: try body.run(task: index, input: input), inputBytes: input.count)
        return (result.checksum, result.payloadDigest)
    }

    /// `lab calibrate-peer floor NAME PARAMETERS TASKS LANES MODE`: measures once and prints
    /// `seconds checksum`; status 1 with the reason on standard error when it cannot.
    package static func serve(_ arguments: [String], registry: WorkloadRegistry) -> Int32 {
        do {
            guard arguments.count == 5, let tasks = Int(arguments[2]), tasks > 0, let lanes = Int(arguments[3]),
                lanes > 0,
                let mode = ExecutionMode(rawValue: arguments[4])
            else { throw LabFailure("expected NAME PARAMETERS TASKS LANES MODE, got \(arguments)") }
            let type = try registry.type(named: arguments[0])
            let parameters = try Parameters(workload: type.name, specs: type.parameters, canonicalText: arguments[1])
            let workload = try ConfiguredWorkload(type: type, parameters: parameters, taskCount: tasks)
            let measured = try measure(workload, mode: mode, lanes: lanes)
            try Platform.writeAll(STDOUT_FILENO, Array("\(measured.seconds) \(Checksum.hex(measured.checksum))\n".utf8))
            return 0
        } catch {
            try? Platform.writeAll(STDERR_FILENO, Array("lab calibrate-peer floor: \(error)\n".utf8))
            return 1
        }
    }
}
