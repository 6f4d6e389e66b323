import Glibc

/// The server side of ``ForkServer``: what `lab forkserver` runs. It stays single-threaded
/// (it never touches Dispatch or Swift concurrency), so `fork` leaves each child a whole
/// process: the child takes its two descriptors as standard input and output and becomes a
/// worker (``WorkerService/runAsChildProcess()``) without loading anything again.
///
/// Standard input is the request socket: `fork` with the environment to add (`NAME=value`,
/// NUL-separated) and two descriptors, answered with `pid N` or an error; the end of it ends
/// the server and every worker it still has. Standard output is the notice socket: `exit PID
/// STATUS USAGE` (the raw wait status, then what the worker used over its life, as `wait4`
/// gave it) for each worker it reaps.
package struct ForkServerService: Sendable {
    package let registry: WorkloadRegistry

    package init(registry: WorkloadRegistry) {
        self.registry = registry
    }

    /// Serves until the coordinator closes the request socket; returns the status to exit
    /// with. A forked child never returns from here: it ends the process itself.
    /// - Throws: when the server cannot tie its life to the coordinator's, finds it gone, or
    ///   cannot watch its children; the executable says why on standard error and exits 1.
    package func run() throws -> Int32 {
        // A process started from a thread that blocked signals inherits that mask; the server
        // must hear SIGCHLD (through its descriptor below) and its workers every signal.
        Platform.unblockAllSignals()
        try WorkerService.tieLifeToCoordinator()
        let childSignals = try Platform.childSignalDescriptor()
        Self.resolveWorkerTypes()
        Self.rehearseFirstFrames()
        let requests = STDIN_FILENO
        let notices = STDOUT_FILENO
        try ForkServer.send(requests, "ready")
        var children = Set<Int32>()
        // Read here, not in the child: a child that asked for its parent after this server
        // died would get its new parent and take it for the server.
        let server = Platform.processID
        func reap() {
            while let (child, status, usage) = Platform.reapChild(blocking: false) {
                children.remove(child)
                try? ForkServer.send(notices, "exit \(child) \(status) " + ForkServer.usageText(usage))
            }
        }
        while true {
            let readable = try Platform.waitReadable([requests, childSignals])
            if readable[1] {
                Platform.drainSignalDescriptor(childSignals)
                reap()
            }
            guard readable[0] else { continue }
            // Every request that has arrived is read before the first fork, and the forks
            // follow one another with nothing written between them but their numbers: each
            // page the server writes after a fork is a copy-on-write fault, which its message
            // buffers and strings cost on every fork when requests were taken one at a time.
            var batch = [try ForkServer.receive(requests)]
            while batch.count < Self.batchLimit, !batch[batch.count - 1].text.isEmpty,
                try Platform.waitReadable([requests], timeoutMilliseconds: 0)[0]
            {
                batch.append(try ForkServer.receive(requests))
            }
            let asked = batch.map { request in
                let parts = request.text.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
                return parts.first == "fork" && request.descriptors.count == 2 ? parts : nil
            }
            // nil for a request that is not a fork request (it gets no fork).
            var forked = [Result<Int32, SystemError>?](repeating: nil, count: batch.count)
            for (index, parts) in asked.enumerated() {
                guard let parts else { continue }
                do throws(SystemError) {
                    let child = try Platform.fork()
                    if child == 0 {
                        becomeWorker(
                            descriptors: batch[index].descriptors, environment: parts.dropFirst(),
                            closing: childSignals, server: server)
                    }
                    forked[index] = .success(child)
                } catch {
                    forked[index] = .failure(error)
                }
            }
            for (index, request) in batch.enumerated() {
                request.descriptors.forEach(Platform.close)
                if request.text.isEmpty {
                    // The coordinator is done (or gone): no worker outlives the server.
                    for child in children { Platform.sendSignal(SIGKILL, to: child) }
                    while !children.isEmpty, let (child, _, _) = Platform.reapChild(blocking: true) {
                        children.remove(child)
                    }
                    return 0
                }
                switch forked[index] {
                case nil:
                    try ForkServer.send(requests, "a request is 'fork' with two descriptors")
                case .success(let child):
                    children.insert(child)
                    try ForkServer.send(requests, "pid \(child)")
                case .failure(let error):
                    try ForkServer.send(requests, "fork failed: \(error)")
                }
            }
        }
    }

    /// The most requests read before their forks: the coordinator sends ``ProcessPoolRunner/forkWindow``.
    static let batchLimit = 64

    /// Builds, once in this server, the metadata of the generic types a worker builds from
    /// their mangled names on its first frames. The runtime finds each one's conformances by
    /// scanning every conformance record of the binary, then caches the answer: done here,
    /// every child forked after inherits the cache. Done in each child, the scan for
    /// `FrameWriter<RingSink>` alone was about 60 us of a forked worker's 260 us of CPU before
    /// it was ready (perf, 256 workers, the 2-core VM).
    /// - Returns: how many of the types the runtime found by name (all of them, or a type's
    ///   name no longer resolves and its children pay the scan again).
    @discardableResult
    package static func resolveWorkerTypes() -> Int {
        // Asked by name, as the worker's code asks: a direct reference is resolved by the
        // compiler and caches nothing.
        workerTypes.filter { type in _mangledTypeName(type).flatMap(_typeByName) != nil }.count
    }

    /// Decodes a setup frame and encodes a ready one, as every worker does first, and reads
    /// the transport's settings: the runtime's one-time work on those paths (globals set up
    /// on first use, witness tables) is then done once, here, for every child.
    static func rehearseFirstFrames() {
        let setup = WorkerMessage.setup(workload: "", parameters: "", fixtureValues: ["": ""], taskCount: 1)
        _ = try? WorkerMessage(frame: setup.frame)
        _ = WorkerMessage.ready(processID: Platform.processID).frame
        _ = TransportSettings.inherited
    }

    package static var workerTypes: [Any.Type] {
        [
            FrameReader<RingSource>.self, FrameWriter<RingSink>.self, FrameReader<DescriptorSource>.self,
            FrameWriter<DescriptorSink>.self, [String: String].self, [String].self, [ParameterSpec].self,
        ]
    }

    /// In the forked child: takes the descriptors as standard input and output, closes every
    /// other one it inherited, takes the environment and every signal back, then serves as a
    /// worker and ends the process.
    private func becomeWorker(
        descriptors: [Int32], environment: ArraySlice<String>, closing childSignals: Int32, server: Int32
    ) -> Never {
        Platform.close(childSignals)
        try? Platform.duplicate(descriptors[0], onto: STDIN_FILENO)
        try? Platform.duplicate(descriptors[1], onto: STDOUT_FILENO)
        // Nothing of the server's but the three standard descriptors: not its request and
        // notice sockets, not a descriptor another request brought in.
        Platform.closeDescriptors(from: STDERR_FILENO + 1)
        for entry in environment {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            Platform.setEnvironmentValue(String(entry[..<equals]), String(entry[entry.index(after: equals)...]))
        }
        // Its parent is this server, whose life the worker's is tied to: if the server is
        // gone before the worker asks for PR_SET_PDEATHSIG, the worker's check of its parent
        // against this number ends it.
        Platform.setEnvironmentValue(WorkerService.coordinatorProcessIDVariable, String(server))
        Platform.unblockSignal(SIGCHLD)
        do {
            try WorkerService(registry: registry).runAsChildProcess()
            Platform.exitImmediately(0)
        } catch {
            try? Platform.writeAll(STDERR_FILENO, Array("lab worker \(Platform.processID): \(error)\n".utf8))
            Platform.exitImmediately(1)
        }
    }
}
