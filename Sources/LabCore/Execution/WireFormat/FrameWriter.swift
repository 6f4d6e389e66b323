/// Writes whole frames to a sink (a descriptor it does not own, or a shared-memory ring).
///
/// ``write(_:)`` sends a frame at once; ``enqueue(_:)`` gathers small frames so that several
/// go out in one `write` at the next ``flush()`` (a batch of tasks, or a batch of results).
package struct FrameWriter<Sink: ByteSink> {
    private var sink: Sink
    /// Headers and small payloads waiting for the next `write`; larger payloads are sent from
    /// their own storage after their header, so they are never copied.
    private var pending: [UInt8] = []
    private static var coalesceLimit: Int { 64 * 1024 }

    package init(sink: Sink) {
        self.sink = sink
    }

    /// Writes `frame` (and anything queued before it), looping over partial writes.
    /// - Throws: ``SystemError`` (`EPIPE` when the reader is gone, with SIGPIPE ignored).
    package mutating func write(_ frame: Frame) throws(SystemError) {
        try enqueue(frame)
        try flush()
    }

    /// Queues `frame` for the next ``flush()``. A large payload, or a queue that grew past
    /// 64 KiB, is written at once.
    /// - Throws: ``SystemError`` when such a write fails.
    package mutating func enqueue(_ frame: Frame) throws(SystemError) {
        try enqueue(kind: frame.kind, body: frame.payload, trailer: .none)
    }

    /// Queues a frame whose payload is `body` then `trailer` (see ``WorkerMessage/parts``):
    /// a large body is written from its own storage, never copied.
    package mutating func enqueue(kind: FrameKind, body: [UInt8], trailer: FrameTrailer) throws(SystemError) {
        let count = body.count + trailer.byteCount
        precondition(count <= WireFormat.maximumPayloadBytes, "frame payload too large")
        let length = UInt32(count)
        pending.append(UInt8(truncatingIfNeeded: length))
        pending.append(UInt8(truncatingIfNeeded: length >> 8))
        pending.append(UInt8(truncatingIfNeeded: length >> 16))
        pending.append(UInt8(truncatingIfNeeded: length >> 24))
        pending.append(kind.rawValue)
        if body.count <= FrameWriter.coalesceLimit {
            pending.append(contentsOf: body)
        } else {
            try flush()
            try sink.write(body)
        }
        trailer.append(to: &pending)
        if pending.count > FrameWriter.coalesceLimit { try flush() }
    }

    /// Queues a message's frame in its two parts (see ``WorkerMessage/parts``).
    package mutating func enqueue(_ message: WorkerMessage) throws(SystemError) {
        let (kind, body, trailer) = message.parts
        try enqueue(kind: kind, body: body, trailer: trailer)
    }

    /// Writes every queued byte.
    /// - Throws: ``SystemError``; the queue is emptied either way.
    package mutating func flush() throws(SystemError) {
        guard !pending.isEmpty else { return }
        defer { pending.removeAll(keepingCapacity: true) }
        try sink.write(pending)
    }
}

extension FrameWriter where Sink == DescriptorSink {
    /// A writer to a descriptor it does not own.
    package init(descriptor: Int32) {
        self.init(sink: DescriptorSink(descriptor: descriptor))
    }
}
