import Glibc

/// The worker side of the protocol: what `lab worker` runs in each child process.
package struct WorkerService: Sendable {
    /// The environment variable through which the coordinator passes its process ID, so that a
    /// worker started after its coordinator died notices and exits.
    package static let coordinatorProcessIDVariable = "LAB_COORDINATOR_PID"

    package let registry: WorkloadRegistry

    package init(registry: WorkloadRegistry) {
        self.registry = registry
    }

    /// - Parameter slots: the shared region whose slots carry an in-place workload's bytes
    ///   (`shm`); `nil` over a pipe or a socket, where every byte comes in frames.
    private func serve<Source: ByteSource, Sink: ByteSink>(
        reader: inout FrameReader<Source>, writer: inout FrameWriter<Sink>, slots: SharedRegion? = nil
    ) throws {
        do {
            guard let first = try reader.readFrame() else { return }
            guard
                case .setup(let name, let parameters, let fixtureValues, let taskCount, let datasetPath) =
                    try WorkerMessage(frame: first)
            else {
                throw WireFormatError.unexpectedFrame(first.kind)
            }
            let workload: any Workload
            do {
                workload = try registry.makeWorkload(
                    named: name, canonicalParameters: parameters, fixtureValues: fixtureValues, taskCount: taskCount,
                    datasetPath: datasetPath.isEmpty ? nil : datasetPath)
            } catch {
                try writer.write(WorkerMessage.failure(index: nil, message: "\(error)").frame)
                throw LabFailure("setup of workload '\(name)' failed: \(error)")
            }
            try writer.write(WorkerMessage.ready(processID: Platform.processID).frame)

            while let frame = try reader.readFrame() {
                let kind = frame.kind
                // Consumed, so that a task's input is the frame's own bytes, not a copy.
                let message = try WorkerMessage(frame: consume frame)
                let reply: WorkerMessage
                switch message {
                case .finish:
                    try writer.write(WorkerMessage.usage(.current()).frame)
                    return
                case .task(let index, let input):
                    do {
                        // The body's own times go back with its result, for the coordinator's timeline.
                        let started = Platform.monotonicNanoseconds()
                        let output = try workload.run(task: index, input: input)
                        reply = .result(
                            index: index, output: output, started: started, ended: Platform.monotonicNanoseconds())
                    } catch {
                        reply = .failure(index: index, message: "\(error)")
                    }
                case .taskInSlot(let index, let inputBytes):
                    guard let slots, let inPlace = workload as? any InPlaceWorkload, inputBytes <= slots.inputSlot.count
                    else {
                        throw WireFormatError.unexpectedFrame(kind)
                    }
                    reply = WorkerService.run(index, of: inPlace, inputBytes: inputBytes, in: slots)
                default:
                    throw WireFormatError.unexpectedFrame(kind)
                }
                // Each reply goes out before the next task starts, even inside a batch: if that
                // task kills the worker, the coordinator has every earlier result and blames
                // the right task. (Holding a batch's replies for one write was measured at
                // 1.3 us per task against 1.8 us at batch 64, and lost that.)
                try writer.enqueue(reply)
                try writer.flush()
            }
        }
    }

    /// Runs task `index` on the input the coordinator wrote into the region's input slot,
    /// its result written into the result slot: no byte copied either way.
    private static func run(
        _ index: Int, of workload: some InPlaceWorkload, inputBytes: Int, in region: SharedRegion
    ) -> WorkerMessage {
        let input = UnsafeRawBufferPointer(rebasing: region.inputSlot[0..<inputBytes])
        let resultBytes = min(workload.resultByteCount(forTask: index), region.resultSlot.count)
        var result = ResultBuffer(UnsafeMutableRawBufferPointer(rebasing: region.resultSlot[0..<resultBytes]))
        do {
            let started = Platform.monotonicNanoseconds()
            let output = try workload.runInPlace(task: index, input: input, result: &result)
            return .resultInSlot(
                index: index, output: output, resultBytes: result.count, started: started,
                ended: Platform.monotonicNanoseconds())
        } catch {
            return .failure(index: index, message: "\(error)")
        }
    }

    /// Ties a child's life to the coordinator's, a worker's and the fork server's alike: the
    /// coordinator owns their lives (Ctrl-C in a terminal reaches the whole process group, but
    /// only the coordinator decides when a child stops), its death kills them, and a child
    /// whose coordinator died before that was set (it was reparented) stops at once.
    /// - Throws: when `prctl` fails, or the coordinator is gone.
    static func tieLifeToCoordinator() throws {
        Platform.ignoreSignal(SIGINT)
        Platform.ignoreSignal(SIGPIPE)
        try Platform.setParentDeathSignal(SIGKILL)
        if let expected = Platform.environmentValue(coordinatorProcessIDVariable),
            Int32(expected) != Platform.parentProcessID
        {
            throw LabFailure("coordinator \(expected) is gone (parent is now \(Platform.parentProcessID))")
        }
    }

    /// Runs this process as a worker child: ties its life to the coordinator's, keeps frames on
    /// a private copy of standard output (and sends stray prints to standard error), then
    /// serves requests from standard input. With the `shm` transport (named in the
    /// environment, see ``Transport/environmentVariable``) standard input is the shared region.
    /// - Throws: when the worker cannot tie its life to the coordinator's (prctl), cannot set
    ///   up its descriptors (dup), finds its coordinator gone, or ``serve(requests:replies:)``
    ///   throws. The executable says why on standard error and exits with status 1.
    package func runAsChildProcess() throws {
        try Self.tieLifeToCoordinator()
        // A socket pair's one end is both standard input and output. Replies go to a copy of
        // standard output, made before the session points standard output at standard error.
        try TransportSettings.inherited.serve(
            Session(service: self), requests: STDIN_FILENO,
            replies: { () throws(SystemError) in
                try Platform.duplicate(STDOUT_FILENO)
            })
    }

    /// A worker's session on its end of the transport, with stray prints sent to standard error.
    private struct Session: TransportChild {
        let service: WorkerService

        func serve<Source: ByteSource, Sink: ByteSink>(
            source: inout Source, sink: inout Sink, region: SharedRegion?
        ) throws {
            try Platform.duplicate(STDERR_FILENO, onto: STDOUT_FILENO)
            try service.serve(source: &source, sink: &sink, region: region)
        }
    }
}

extension WorkerService: TransportChild {
    /// Serves one session until the coordinator closes the request stream or asks it to
    /// finish (``TransportChild/serve(requests:replies:)`` and
    /// ``TransportChild/serve(region:waiting:)`` give it its bytes).
    /// - Throws: when the setup fails (after telling the coordinator why) or a stream breaks;
    ///   the worker process should then say so on standard error and exit with status 1.
    package func serve<Source: ByteSource, Sink: ByteSink>(
        source: inout Source, sink: inout Sink, region: SharedRegion?
    ) throws {
        var reader = FrameReader(source: source)
        var writer = FrameWriter(sink: sink)
        try serve(reader: &reader, writer: &writer, slots: region)
    }
}
