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
        self.buffer = [UInt8](unwrittenCount: max(bufferBytes, WireFormat.headerBytes))
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
                UnsafeMutableRawBufferPointer(storage).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + buffered)]))
            }
            received = buffered
            while received < upfront {
                let read = try source.read(
                    into: UnsafeMutableRawBufferPointer(
                        rebasing: UnsafeMutableRawBufferPointer(storage)[received..<upfront]))
                if read == 0 { break }
                received += read
            }
            count = received
        }
        start += buffered
        if received < upfront {
            throw WireFormatError.truncatedFrame(
                received: WireFormat.headerBytes + received, expected: WireFormat.headerBytes + length)
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
                throw WireFormatError.truncatedFrame(
                    received: WireFormat.headerBytes + received, expected: WireFormat.headerBytes + length)
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
