import Glibc

/// Where a ``FrameReader`` gets its bytes: a file descriptor, or (in tests) memory served in
/// chunks of chosen sizes.
package protocol ByteSource {
    /// Fills a prefix of `buffer`; returns how many bytes, 0 at end of stream.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Where a ``FrameWriter`` puts its bytes: a file descriptor, or a shared-memory ring.
package protocol ByteSink {
    /// Writes every byte of `bytes`, waiting for room as long as it takes.
    /// - Throws: ``SystemError`` (`EPIPE` when the reader is gone).
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError)
}

/// No data arrived before a source's deadline.
package struct ReadDeadlinePassed: Error {}

/// A pipe, socket or file descriptor as a ``ByteSource``. It does not own the descriptor.
package struct DescriptorSource: ByteSource {

    package let descriptor: Int32
    /// When a read gives up (monotonic seconds); infinity waits for ever.
    package var deadline: Double = .infinity

    package init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    package mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if deadline.isFinite, try !Platform.waitUntilReadable(descriptor, seconds: deadline - Platform.monotonicSeconds()) {
            throw ReadDeadlinePassed()
        }
        do {
            return try Platform.read(descriptor, into: buffer)
        } catch where error.errno == ECONNRESET {
            // A socket whose peer died with bytes of ours unread is reset rather than ended;
            // for a reader that is the end of the stream, as a pipe's writer dying is.
            return 0
        }
    }
}

/// Reads whole frames from a stream whose reads may return any number of bytes.
///
/// Small frames are served from one buffered `read`; the rest of a large payload is read
/// straight into the payload array, without a second copy.
package struct FrameReader<Source: ByteSource> {
    private var source: Source
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0

    /// Changes the source (such as its deadline) between frames.
    package mutating func updateSource(_ change: (inout Source) -> Void) {
        change(&source)
    }

    package init(source: Source, bufferBytes: Int = 64 * 1024) {
        self.source = source
        self.buffer = [UInt8](repeating: 0, count: max(bufferBytes, WireFormat.headerBytes))
    }

    /// The next frame, or `nil` when the stream ends cleanly between frames.
    /// - Throws: ``WireFormatError`` for a truncated or invalid frame; the source's error
    ///   (such as ``SystemError``) when reading fails.
    package mutating func readFrame() throws -> Frame? {
        while end - start < WireFormat.headerBytes {
            if try fillBuffer() == 0 {
                if end == start { return nil }
                throw WireFormatError.truncatedFrame(received: end - start, expected: WireFormat.headerBytes)
            }
        }
        var length = 0
        for shift in 0..<4 {
            length |= Int(buffer[start + shift]) << (8 * shift)
        }
        let kindByte = buffer[start + 4]
        guard length <= WireFormat.maximumPayloadBytes else { throw WireFormatError.payloadTooLarge(length) }
        guard let kind = FrameKind(rawValue: kindByte) else { throw WireFormatError.unknownKind(kindByte) }
        start += WireFormat.headerBytes

        let buffered = min(length, end - start)
        var payload: [UInt8]
        if buffered == length {
            payload = Array(buffer[start..<(start + buffered)])
            start += buffered
        } else {
            payload = try readLarge(length: length, buffered: buffered)
        }
        return Frame(kind: kind, payload: payload)
    }

    /// A payload larger than what is buffered: the buffered part, then the rest read straight
    /// into the array. Up to ``upfrontBytes`` are allocated at once and left uninitialised (no
    /// zero-filling, no copies as it grows: a fresh process pays a page fault per page it
    /// touches, and touching each page once is the least it can do); past that the array grows
    /// as bytes arrive (doubling), so a length field that lies costs at most twice what
    /// really came, never what it claims.
    private mutating func readLarge(length: Int, buffered: Int) throws -> [UInt8] {
        let upfront = min(length, FrameReader.upfrontBytes)
        var received = 0
        var payload = try [UInt8](unsafeUninitializedCapacity: upfront) { storage, count in
            buffer.withUnsafeBytes { bytes in
                UnsafeMutableRawBufferPointer(storage).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + buffered)]))
            }
            received = buffered
            while received < upfront {
                let read = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(storage)[received..<upfront]))
                if read == 0 { break }
                received += read
            }
            count = received
        }
        start += buffered
        if received < upfront {
            throw WireFormatError.truncatedFrame(received: WireFormat.headerBytes + received, expected: WireFormat.headerBytes + length)
        }
        if payload.count < length {
            try readRemainder(into: &payload, length: length)
        }
        return payload
    }

    /// At most this many payload bytes are allocated before they arrive.
    static var upfrontBytes: Int { 64 << 20 }

    /// Reads the part of a payload that was not in the array yet directly into it, growing it
    /// (doubling) as bytes arrive.
    private mutating func readRemainder(into payload: inout [UInt8], length: Int) throws {
        var received = payload.count
        while received < length {
            if received == payload.count {
                let growth = min(length - payload.count, max(payload.count, 1 << 20))
                payload.append(contentsOf: repeatElement(0, count: growth))
            }
            let count = try payload.withUnsafeMutableBytes { storage in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: storage[received...]))
            }
            if count == 0 {
                throw WireFormatError.truncatedFrame(received: WireFormat.headerBytes + received, expected: WireFormat.headerBytes + length)
            }
            received += count
        }
    }

    /// Moves unread bytes to the front and reads more after them; returns the count read.
    private mutating func fillBuffer() throws -> Int {
        if start > 0 {
            buffer.withUnsafeMutableBytes { storage in
                let base = storage.baseAddress!
                base.copyMemory(from: base + start, byteCount: end - start)
            }
            end -= start
            start = 0
        }
        let count = try buffer.withUnsafeMutableBytes { storage in
            try source.read(into: UnsafeMutableRawBufferPointer(rebasing: storage[end...]))
        }
        end += count
        return count
    }
}

/// A pipe, socket or file descriptor as a ``ByteSink``. It does not own the descriptor.
package struct DescriptorSink: ByteSink {
    package let descriptor: Int32

    package init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    package mutating func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        try Platform.writeAll(descriptor, bytes)
    }
}

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

extension ByteSink {
    /// Writes every byte of an array (`withUnsafeBytes` rethrows untyped errors, so the
    /// sink's typed error travels inside a `Result`).
    package mutating func write(_ bytes: [UInt8]) throws(SystemError) {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(SystemError) in try write(buffer) }
        }.get()
    }
}

extension ByteSource {
    /// Fills all of `buffer`, reading as often as it takes; `false` when the stream ends first.
    package mutating func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Bool {
        var received = 0
        while received < buffer.count {
            let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[received...]))
            if count == 0 { return false }
            received += count
        }
        return true
    }
}

extension FrameWriter where Sink == DescriptorSink {
    /// A writer to a descriptor it does not own.
    package init(descriptor: Int32) {
        self.init(sink: DescriptorSink(descriptor: descriptor))
    }
}
