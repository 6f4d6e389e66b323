/// A ``ByteSource`` whose reads give up at a deadline.
protocol DeadlineSource: ByteSource {
    /// Monotonic seconds; infinity waits for ever.
    var deadline: Double { get set }
}

extension DescriptorSource: DeadlineSource {}
extension RingSource: DeadlineSource {}

/// A link made of a frame reader and a frame writer, whatever carries their bytes: pipes (a
/// request pipe and a reply pipe), one socket (both ways), or the rings of a shared region.
final class StreamLink<Source: DeadlineSource, Sink: ByteSink>: WorkerLink {
    private var reader: FrameReader<Source>
    private var writer: FrameWriter<Sink>
    let pipelineBytes: Int
    let publishesEachFrame: Bool
    /// What ends the request stream (close the pipe, shut the socket's writing side, close
    /// the ring), then what releases the rest; each runs once.
    private var endingRequests: (() -> Void)?
    private var releasing: (() -> Void)?

    init(
        source: Source, sink: Sink, pipelineBytes: Int, publishesEachFrame: Bool, endRequests: @escaping () -> Void,
        release: @escaping () -> Void
    ) {
        reader = FrameReader(source: source)
        writer = FrameWriter(sink: sink)
        self.pipelineBytes = pipelineBytes
        self.publishesEachFrame = publishesEachFrame
        endingRequests = endRequests
        releasing = release
    }

    func enqueue(kind: FrameKind, body: [UInt8], trailer: FrameTrailer) throws(SystemError) {
        try writer.enqueue(kind: kind, body: body, trailer: trailer)
    }

    func flush() throws(SystemError) { try writer.flush() }

    func readFrame(deadline: Double) throws -> Frame? {
        reader.updateSource { $0.deadline = deadline }
        return try reader.readFrame()
    }

    func endRequests() {
        endingRequests?()
        endingRequests = nil
    }

    func close() {
        endRequests()
        releasing?()
        releasing = nil
    }

    deinit { close() }
}

extension StreamLink where Source == DescriptorSource, Sink == DescriptorSink {
    /// Pipes (`requests` and `replies` differ) or a socket (both the same descriptor). A
    /// batch goes out in one write (a system call) of at most `PIPE_BUF`, which an empty pipe
    /// always takes without blocking; a socket's buffer is larger, but only this much is promised.
    static func descriptors(requests: Int32, replies: Int32, end: WorkerConnection.CoordinatorEnd) -> StreamLink {
        StreamLink(
            source: DescriptorSource(descriptor: replies), sink: DescriptorSink(descriptor: requests),
            pipelineBytes: 4096,
            publishesEachFrame: false, endRequests: end.endRequests, release: end.release)
    }
}

extension StreamLink where Source == RingSource, Sink == RingSink {
    /// The rings of a ``SharedRegion`` (which the source and sink keep mapped until the link
    /// goes). A batch may fill half the request ring, and each task is published as soon as
    /// it is encoded: a store and a fence, no system call while the worker is awake.
    static func sharedMemory(
        _ region: SharedRegion, waiting: RingWaiting, end: WorkerConnection.CoordinatorEnd
    ) -> StreamLink {
        StreamLink(
            source: RingSource(region.replies, of: region, waiting: waiting),
            sink: RingSink(region.requests, of: region, waiting: waiting),
            pipelineBytes: region.capacity / 2, publishesEachFrame: true, endRequests: end.endRequests,
            release: end.release)
    }
}
