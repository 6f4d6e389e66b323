import Glibc
import Synchronization

/// The coordinator's side of a fork server: `lab forkserver`, started once and asked for a
/// worker at a time. A request carries the worker's two standard descriptors (SCM_RIGHTS) and
/// its environment; the server forks, answers with the worker's process ID, and reports each
/// worker's exit status when it reaps it, so a worker killed from outside fails its task by
/// name and signal as a spawned one does.
///
/// The server ties its life to the coordinator's (`PR_SET_PDEATHSIG`) and each worker to the
/// server's, so a coordinator killed with SIGKILL leaves neither behind.
package final class ForkServer: Sendable {
    private let child: SpawnedChild
    /// Requests go out and answers come back on one socket, a request at a time.
    private let control: Mutex<Int32>
    /// Exit statuses arrive on their own socket, read by ``reader``.
    private let notices: Int32
    /// Raw wait statuses of the workers reaped so far, by process ID.
    private let exits = Mutex<[Int32: (status: Int32, usage: ResourceUsage?)]>([:])
    private let gone = Atomic<Bool>(false)
    private let reader = Mutex<JoinableThread?>(nil)
    private let registry: ChildProcessRegistry

    package var processID: Int32 { child.processID }

    /// Starts `lab forkserver` (the command's executable with `arguments`) and waits until it
    /// is ready to fork.
    /// - Throws: ``ExecutionError/workerStartFailed(worker:message:)`` (worker 0) when it cannot start.
    package init(command: WorkerExecutable, registry: ChildProcessRegistry) throws(ExecutionError) {
        self.registry = registry
        func failed(_ message: String) -> ExecutionError {
            .workerStartFailed(worker: 0, message: "the fork server: \(message)")
        }
        let requests: (mine: Int32, theirs: Int32)
        let exitNotes: (mine: Int32, theirs: Int32)
        do {
            requests = try Platform.makeSocketPair(type: SOCK_SEQPACKET)
            exitNotes = try Platform.makeSocketPair(type: SOCK_SEQPACKET)
        } catch {
            throw failed("cannot make its sockets: \(error)")
        }
        let child: SpawnedChild
        do {
            child = try SpawnedChild.start(
                command.executablePath, arguments: command.forkServerArguments, quietCrashes: true,
                input: requests.theirs,
                output: exitNotes.theirs)
        } catch {
            [requests.mine, requests.theirs, exitNotes.mine, exitNotes.theirs].forEach(Platform.close)
            throw failed("cannot launch \(command.executablePath): \(error)")
        }
        self.child = child
        control = Mutex(requests.mine)
        notices = exitNotes.mine
        Platform.close(requests.theirs)
        Platform.close(exitNotes.theirs)
        registry.register(child.processID)
        // Its first answer says it is ready (or why not).
        let answer = try? ForkServer.receive(requests.mine)
        guard let answer, answer.text == "ready" else {
            stop()
            throw failed("did not start: \(answer?.text ?? "it closed its socket")")
        }
        do {
            let thread = try JoinableThread { [self] in readNotices() }
            reader.withLock { $0 = thread }
        } catch {
            stop()
            throw failed("cannot start the thread that hears of its workers' exits: \(error)")
        }
    }

    /// Forks a worker whose standard input and output are `input` and `output` (they stay
    /// the caller's to close) and whose environment has `environment` added.
    /// - Returns: the worker's process ID.
    package func fork(input: Int32, output: Int32, environment: [String: String]) throws(ExecutionError) -> Int32 {
        try forkAll([(input, output, environment)])[0].get()
    }

    /// Forks a worker for each of `requests` (as ``fork(input:output:environment:)``), sending
    /// every request before reading any answer: the server forks them back to back, without a
    /// round trip between two. Answers come in the order of the requests.
    /// - Returns: each worker's process ID, or why it was not forked.
    package func forkAll(
        _ requests: [(input: Int32, output: Int32, environment: [String: String])]
    ) -> [Result<Int32, ExecutionError>] {
        let outcome: Result<[String], SystemError> = control.withLock { socket in
            do throws(SystemError) {
                for request in requests {
                    let block = request.environment.keys.sorted().map { "\($0)=\(request.environment[$0]!)" }.joined(
                        separator: "\u{0}")
                    try ForkServer.send(socket, "fork\u{0}" + block, descriptors: [request.input, request.output])
                }
                var answers: [String] = []
                for _ in requests { answers.append(try ForkServer.receive(socket).text) }
                return .success(answers)
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .failure(let error):
            return requests.map { _ in
                .failure(.workerStartFailed(worker: 0, message: "the fork server did not answer: \(error)"))
            }
        case .success(let answers):
            return answers.map { answer in
                guard answer.hasPrefix("pid "), let processID = Int32(answer.dropFirst(4)) else {
                    return .failure(.workerStartFailed(worker: 0, message: "the fork server: \(answer)"))
                }
                return .success(processID)
            }
        }
    }

    /// The raw wait status of worker `processID` once the server reaped it; `nil` while it runs.
    package func exitStatus(of processID: Int32) -> Int32? {
        exits.withLock { $0[processID]?.status }
    }

    /// What worker `processID` used over its whole life, once the server reaped it: the
    /// kernel's count, there even for a worker that died without its report (its peak is
    /// ru_maxrss, which starts at the server's size).
    package func exitUsage(of processID: Int32) -> ResourceUsage? {
        exits.withLock { $0[processID]?.usage }
    }

    /// A child's usage as an exit notice carries it: microseconds of user and system time,
    /// then minor and major faults, voluntary and involuntary switches, and the peak in KiB.
    static func usageText(_ usage: ResourceUsage) -> String {
        [
            Int(usage.userSeconds * 1e6), Int(usage.systemSeconds * 1e6), usage.minorFaults, usage.majorFaults,
            usage.voluntaryContextSwitches, usage.involuntaryContextSwitches, usage.maxResidentKiB,
        ].map(String.init).joined(separator: " ")
    }

    /// The usage of an exit notice (``usageText(_:)``), or `nil` when it has none that reads.
    static func usage(_ fields: ArraySlice<Substring>) -> ResourceUsage? {
        let numbers = fields.compactMap { Int($0) }
        guard fields.count == 7, numbers.count == 7, numbers.allSatisfy({ $0 >= 0 }) else { return nil }
        return ResourceUsage(
            userSeconds: Double(numbers[0]) / 1e6, systemSeconds: Double(numbers[1]) / 1e6, maxResidentKiB: numbers[6],
            voluntaryContextSwitches: numbers[4], involuntaryContextSwitches: numbers[5], minorFaults: numbers[2],
            majorFaults: numbers[3])
    }

    /// Whether worker `processID` still runs: not reaped, and (should the server be gone,
    /// which kills its workers) still there.
    package func isRunning(_ processID: Int32) -> Bool {
        guard exitStatus(of: processID) == nil else { return false }
        return !gone.load(ordering: .acquiring) || Platform.processExists(processID)
    }

    /// Ends the server: it closes when its request socket ends, killing any worker left.
    package func stop() {
        control.withLock { socket in
            if socket >= 0 { Platform.close(socket) }
            socket = -1
        }
        if !Platform.wait(seconds: 2, while: { child.isRunning }) {
            registry.kill(child.processID)
            child.waitUntilExit()
        }
        registry.unregister(child.processID)
        reader.withLock { $0 }?.join()
        Platform.close(notices)
    }

    /// On the reader thread: records each `exit <pid> <status>` note until the server goes.
    private func readNotices() {
        while let note = try? ForkServer.receive(notices), !note.text.isEmpty {
            let parts = note.text.split(separator: " ")
            guard parts.count >= 3, parts[0] == "exit", let processID = Int32(parts[1]), let status = Int32(parts[2])
            else { continue }
            exits.withLock { $0[processID] = (status, ForkServer.usage(parts[3...])) }
        }
        gone.store(true, ordering: .releasing)
    }

    static let messageCapacity = 64 * 1024

    static func send(_ socket: Int32, _ text: String, descriptors: [Int32] = []) throws(SystemError) {
        try Platform.sendMessage(socket, Array(text.utf8), descriptors: descriptors)
    }

    /// One message and the descriptors it carried; an empty text at the end of the stream.
    static func receive(_ socket: Int32) throws(SystemError) -> (text: String, descriptors: [Int32]) {
        let message = try Platform.receiveMessage(socket, capacity: messageCapacity, maximumDescriptors: 8)
        return (String(decoding: message.bytes, as: UTF8.self), message.descriptors)
    }

    /// What a raw wait status says: `exited with status 3`, `killed by signal 9 (SIGKILL)`.
    package static func describe(status: Int32) -> String {
        let signal = status & 0x7f
        return signal == 0
            ? "exited with status \((status >> 8) & 0xff)"
            : "killed by signal \(signal) (\(Platform.signalName(signal)))"
    }
}
