import Glibc
import LabCore

/// Misbehaves on purpose, to show what isolation buys: a task that throws is an error value in
/// every mode, but one that exits, crashes, is killed or hangs takes its address space with
/// it. In process mode that is one worker, replaced while the other tasks go on; on threads it
/// would be the lab itself, which is why those actions run in process mode only. `scribble` is
/// a worker whose bug corrupts memory it shares with the lab: the lab must not believe it.
package struct Fault: Workload {
    struct Thrown: Error, CustomStringConvertible {
        let index: Int
        var description: String { "fault: task \(index) threw, as asked" }
    }

    package static let name = "fault"
    package static let kind = WorkloadKind.cpu
    package static let summary =
        "misbehave on purpose (throw, exit, trap, kill, hang) to show what process isolation buys"
    package static let parameters = [
        ParameterSpec(
            name: "action", type: .choice(["ok", "throw", "exit", "trap", "kill", "hang", "diverge", "scribble"]),
            defaultValue: "throw", quickValue: "throw",
            unit: "",
            summary:
                "what a misbehaving task does: ok (nothing), throw (a Swift error), exit (exit status 3), trap "
                + "(fatalError), kill (SIGKILL itself), hang (sleep for ever), diverge (compute a different result "
                + "in a worker process than in the lab itself, which the checksum proof must catch), scribble "
                + "(write garbage over the position of its worker's reply ring in the memory it shares with the "
                + "lab, then wait: with --transport shm only, elsewhere it does nothing); exit, trap, kill, hang "
                + "and scribble run in process mode only"
        ),
        ParameterSpec(
            name: "at", type: .integer(0...10_000_000), defaultValue: "3", quickValue: "3", unit: "index",
            summary: "the first task that misbehaves"),
        ParameterSpec(
            name: "every", type: .integer(0...10_000_000), defaultValue: "0", quickValue: "0", unit: "count",
            summary: "after 'at', every n-th task misbehaves too (0: only 'at')"),
        ParameterSpec(
            name: "spin", type: .integer(0...1_000_000_000), defaultValue: "2000000", quickValue: "100000",
            unit: "steps",
            summary: "steps of arithmetic each well-behaved task computes"),
    ]

    package static func defaultTaskCount(for parameters: Parameters) -> Int { 8 }

    /// It fails on purpose, so it runs only when named (`--workloads fault`).
    package static let isInDefaultPlan = false

    /// Exiting, trapping, killing or hanging in one address space would take the lab down.
    package static func refusal(for mode: ExecutionMode, parameters: Parameters) -> String? {
        let action = parameters.choice("action")
        guard mode != .processes, ["exit", "trap", "kill", "hang", "scribble"].contains(action) else { return nil }
        return
            "fault.action=\(action) cannot run in mode '\(mode.rawValue)': in one address space it would take the lab "
            + "down, which is the lesson; it runs in: processes (throw and ok run in every mode)"
    }

    let action: String
    let at: Int
    let every: Int
    let spin: Int
    /// Whether this instance lives in a worker process: what `diverge` lets change the result.
    let isInWorkerProcess: Bool

    package init(parameters: Parameters, taskCount: Int) {
        action = parameters.choice("action")
        at = parameters.integer("at")
        every = parameters.integer("every")
        spin = parameters.integer("spin")
        isInWorkerProcess = Platform.environmentValue(WorkerService.coordinatorProcessIDVariable) != nil
    }

    /// Whether task `index` misbehaves.
    package func misbehaves(_ index: Int) -> Bool {
        index == at || (every > 0 && index > at && (index - at) % every == 0)
    }

    package func run(task index: Int, input: [UInt8]) throws -> TaskOutput {
        if misbehaves(index) {
            switch action {
            case "throw": throw Thrown(index: index)
            case "exit": exit(3)
            case "trap": fatalError("fault: task \(index) trapped, as asked")
            case "kill": kill(getpid(), SIGKILL)
            case "hang": while true { Platform.sleep(seconds: 3600) }
            case "scribble":
                if Fault.scribbleOnReplyRing() {
                    // The lab must see the garbage before this worker publishes anything real.
                    while true { Platform.sleep(seconds: 3600) }
                }
            default: break
            }
        }
        // diverge: a worker process starts from another state, so it does different work.
        var state = UInt64(index) &+ (action == "diverge" && isInWorkerProcess && misbehaves(index) ? 2 : 1)
        for _ in 0..<spin {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        }
        return TaskOutput(checksum: state, units: UInt64(spin))
    }

    /// Writes a head that runs behind the tail into this worker's reply ring, found in
    /// `/proc/self/maps` as the shared memory file the lab made (`/memfd:lab-worker`).
    /// - Returns: whether there was such a ring (a worker over `shm`).
    static func scribbleOnReplyRing() -> Bool {
        guard let maps = Platform.readSmallFile("/proc/self/maps") else { return false }
        for line in maps.split(separator: "\n") where line.hasSuffix("/memfd:\(SharedRegion.fileName) (deleted)") {
            guard let start = line.split(separator: "-").first.flatMap({ UInt(String($0), radix: 16) }),
                let base = UnsafeMutableRawPointer(bitPattern: start)
            else { continue }
            let control = base + SharedRegion.replyControlOffset
            let tail = control.load(fromByteOffset: 64, as: UInt64.self)
            control.storeBytes(of: tail &- 7, as: UInt64.self)
            return true
        }
        return false
    }
}
