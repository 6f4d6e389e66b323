import Foundation
import Glibc

/// The coordinator's end of one worker's transport: frames out, frames in.
///
/// Used by one thread at a time (the worker's owner), like ``WorkerProcess``.
protocol WorkerLink: AnyObject {
    /// At most this many frame bytes of tasks go out before their answers are read: a batch
    /// that fits is taken whole by an empty transport, so the coordinator never blocks writing
    /// while the worker blocks writing results back.
    var pipelineBytes: Int { get }
    /// Whether each task of a batch goes out as soon as it is encoded, so that the worker
    /// starts on it while the rest are encoded; otherwise a batch goes out in one write.
    var publishesEachFrame: Bool { get }
    /// Queues a frame of `body` then `trailer` (see ``WorkerMessage/parts``).
    func enqueue(kind: FrameKind, body: [UInt8], trailer: FrameTrailer) throws(SystemError)
    func flush() throws(SystemError)
    /// The next frame; `nil` at a clean end of stream.
    /// - Throws: ``ReadDeadlinePassed`` after `deadline` (monotonic seconds), a
    ///   ``WireFormatError`` for a broken stream, a ``SystemError`` when reading fails.
    func readFrame(deadline: Double) throws -> Frame?
    /// No more requests: the worker reads the end of its request stream.
    func endRequests()
    /// Releases what is left (once the worker is gone).
    func close()
}

/// What a transport gives a child at its start, and the link it leaves the coordinator.
struct WorkerConnection {
    var standardInput: FileHandle
    var standardOutput: FileHandle
    /// Descriptors of the child's ends, closed in the coordinator once the child runs.
    var childDescriptors: [Int32]
    var environment: [String: String]
    /// Makes the coordinator's link; `peerAlive` says whether the child still runs.
    var makeLink: (_ peerAlive: @escaping () -> Bool) -> any WorkerLink

    /// Creates the transport's descriptors (close-on-exec; Foundation duplicates the child's
    /// ends onto its standard descriptors).
    static func make(_ settings: TransportSettings) throws(SystemError) -> WorkerConnection {
        switch settings.transport {
        case .pipe:
            let requests = try Platform.makePipe(closeOnExec: true)
            let replies: (read: Int32, write: Int32)
            do {
                replies = try Platform.makePipe(closeOnExec: true)
            } catch {
                [requests.read, requests.write].forEach(Platform.close)
                throw error
            }
            return WorkerConnection(
                standardInput: FileHandle(fileDescriptor: requests.read), standardOutput: FileHandle(fileDescriptor: replies.write),
                childDescriptors: [requests.read, replies.write], environment: [Transport.environmentVariable: Transport.pipe.rawValue],
                makeLink: { _ in DescriptorLink(requests: requests.write, replies: replies.read, isSocket: false) })
        case .socketpair:
            let (mine, theirs) = try Platform.makeSocketPair()
            let handle = FileHandle(fileDescriptor: theirs)
            return WorkerConnection(
                standardInput: handle, standardOutput: handle, childDescriptors: [theirs],
                environment: [Transport.environmentVariable: Transport.socketpair.rawValue],
                makeLink: { _ in DescriptorLink(requests: mine, replies: mine, isSocket: true) })
        case .shm:
            let (region, descriptor) = try SharedRegion.create()
            let spin = settings.spinPolls
            return WorkerConnection(
                standardInput: FileHandle(fileDescriptor: descriptor), standardOutput: FileHandle.standardError, childDescriptors: [descriptor],
                environment: [Transport.environmentVariable: Transport.shm.rawValue, Transport.spinEnvironmentVariable: String(spin)],
                makeLink: { peerAlive in SharedMemoryLink(region: region, waiting: RingWaiting(spinPolls: spin, peerAlive: peerAlive)) })
        }
    }
}

/// Pipes (a request pipe and a reply pipe) or one socket (both ways).
final class DescriptorLink: WorkerLink {
    private let requests: Int32
    private let replies: Int32
    private let isSocket: Bool
    private var reader: FrameReader<DescriptorSource>
    private var writer: FrameWriter<DescriptorSink>
    private var requestsOpen = true
    private var closed = false

    init(requests: Int32, replies: Int32, isSocket: Bool) {
        self.requests = requests
        self.replies = replies
        self.isSocket = isSocket
        reader = FrameReader(source: DescriptorSource(descriptor: replies))
        writer = FrameWriter(descriptor: requests)
    }

    /// `PIPE_BUF`, which an empty pipe always takes without blocking; a socket's buffer is
    /// larger, but only this much is promised.
    var pipelineBytes: Int { 4096 }
    /// A write is a system call: a batch goes out in one.
    var publishesEachFrame: Bool { false }

    func enqueue(kind: FrameKind, body: [UInt8], trailer: FrameTrailer) throws(SystemError) {
        try writer.enqueue(kind: kind, body: body, trailer: trailer)
    }
    func flush() throws(SystemError) { try writer.flush() }

    func readFrame(deadline: Double) throws -> Frame? {
        reader.updateSource { $0.deadline = deadline }
        return try reader.readFrame()
    }

    func endRequests() {
        guard requestsOpen else { return }
        requestsOpen = false
        if isSocket { _ = shutdown(requests, Int32(SHUT_WR)) } else { Platform.close(requests) }
    }

    func close() {
        endRequests()
        guard !closed else { return }
        closed = true
        Platform.close(replies)
    }

    deinit { close() }
}

/// A ``SharedRegion``: frames are copied into the request ring and out of the reply ring,
/// with no system call while both sides are busy.
final class SharedMemoryLink: WorkerLink {
    private var region: SharedRegion?
    private var reader: FrameReader<RingSource>
    private var writer: FrameWriter<RingSink>
    private let sink: RingSink
    private var requestsOpen = true

    init(region: SharedRegion, waiting: RingWaiting) {
        self.region = region
        sink = RingSink(region.requests, of: region, waiting: waiting)
        writer = FrameWriter(sink: sink)
        reader = FrameReader(source: RingSource(region.replies, of: region, waiting: waiting))
    }

    /// Half the request ring: a batch of that size always fits in the empty ring.
    var pipelineBytes: Int { (region?.capacity ?? SharedRegion.defaultCapacity) / 2 }
    /// Publishing is a store and a fence, no system call while the worker is awake.
    var publishesEachFrame: Bool { true }

    func enqueue(kind: FrameKind, body: [UInt8], trailer: FrameTrailer) throws(SystemError) {
        try writer.enqueue(kind: kind, body: body, trailer: trailer)
    }
    func flush() throws(SystemError) { try writer.flush() }

    func readFrame(deadline: Double) throws -> Frame? {
        reader.updateSource { $0.deadline = deadline }
        return try reader.readFrame()
    }

    func endRequests() {
        guard requestsOpen else { return }
        requestsOpen = false
        sink.close()
    }

    func close() {
        endRequests()
        // The reader and writer hold the mapping until this link goes (with its worker).
        region = nil
    }
}
