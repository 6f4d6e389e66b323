/// The frames coordinator and workers exchange over their transport (pipes, a socket pair or
/// shared-memory rings: the same bytes in each).
///
/// Every frame is a 5-byte header, then the payload:
///
/// | bytes | meaning |
/// |---|---|
/// | 0-3 | payload length in bytes, unsigned 32-bit little-endian |
/// | 4 | frame kind (``FrameKind``) |
/// | 5... | payload |
///
/// Integers inside payloads are unsigned 64-bit little-endian; strings are a 32-bit length
/// and UTF-8 bytes. Task and result frames carry their bytes first and their fixed fields
/// after them (a task: input, then index; a result: its bytes, then index, checksum, units,
/// started, ended), so that neither side copies the bytes (see ``WorkerMessage/parts``).
package enum WireFormat {
    /// Header size in bytes.
    package static let headerBytes = 5
    /// The largest payload a reader accepts; a larger length field is a protocol error, never
    /// an allocation.
    package static let maximumPayloadBytes = 1 << 30
}

/// What a frame carries.
package enum FrameKind: UInt8, Sendable, CaseIterable {
    /// Coordinator to worker: the workload name, its canonical parameters and the task count.
    case setup = 1
    /// Worker to coordinator: the workload is built, send tasks.
    case ready = 2
    /// Coordinator to worker: a task index and its input bytes.
    case task = 3
    /// Worker to coordinator: a task's checksum, units and result bytes.
    case result = 4
    /// Worker to coordinator: a task (or the setup) failed, with the reason.
    case failure = 5
    /// Coordinator to worker: no more tasks; report your usage and exit.
    case finish = 6
    /// Worker to coordinator: its own CPU time, peak memory and context switches.
    case usage = 7
    /// Coordinator to worker, over `shm`: a task index and how many bytes of its input the
    /// coordinator wrote into the region's input slot.
    case taskInSlot = 8
    /// Worker to coordinator, over `shm`: a task's checksum and units, and how many bytes of
    /// its result the worker wrote into the region's result slot.
    case resultInSlot = 9
}

/// One frame: a kind and its payload.
package struct Frame: Sendable, Equatable {
    package var kind: FrameKind
    package var payload: [UInt8]

    package init(kind: FrameKind, payload: [UInt8] = []) {
        self.kind = kind
        self.payload = payload
    }
}

/// Why a byte stream is not a valid sequence of frames.
package enum WireFormatError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The stream ended inside a frame (after `received` of `expected` bytes of it).
    case truncatedFrame(received: Int, expected: Int)
    /// The header declares more payload than ``WireFormat/maximumPayloadBytes``.
    case payloadTooLarge(Int)
    /// The kind byte names no ``FrameKind``.
    case unknownKind(UInt8)
    /// A payload ended before a field it must contain.
    case malformedPayload(FrameKind)
    /// A frame of this kind was not expected here.
    case unexpectedFrame(FrameKind)

    package var description: String {
        switch self {
        case .truncatedFrame(let received, let expected):
            "truncated frame: stream ended after \(received) of \(expected) bytes"
        case .payloadTooLarge(let length):
            "frame length \(length) exceeds the maximum of \(WireFormat.maximumPayloadBytes) bytes"
        case .unknownKind(let kind):
            "unknown frame kind \(kind)"
        case .malformedPayload(let kind):
            "malformed \(kind) frame"
        case .unexpectedFrame(let kind):
            "unexpected \(kind) frame"
        }
    }
}

/// Builds a payload field by field.
package struct PayloadWriter {
    package private(set) var bytes: [UInt8] = []

    package init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    package mutating func append(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    package mutating func append(_ text: String) {
        let utf8 = Array(text.utf8)
        withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: utf8)
    }

}

/// Reads a payload field by field; every read checks the bounds.
package struct PayloadReader {
    private let bytes: [UInt8]
    private let kind: FrameKind
    private var offset = 0

    package init(_ frame: Frame) {
        self.bytes = frame.payload
        self.kind = frame.kind
    }

    package mutating func readUInt64() throws(WireFormatError) -> UInt64 {
        guard bytes.count - offset >= 8 else { throw .malformedPayload(kind) }
        var value: UInt64 = 0
        for shift in 0..<8 {
            value |= UInt64(bytes[offset + shift]) << (8 * UInt64(shift))
        }
        offset += 8
        return value
    }

    package mutating func readString() throws(WireFormatError) -> String {
        guard bytes.count - offset >= 4 else { throw .malformedPayload(kind) }
        var length = 0
        for shift in 0..<4 {
            length |= Int(bytes[offset + shift]) << (8 * shift)
        }
        offset += 4
        guard bytes.count - offset >= length else { throw .malformedPayload(kind) }
        // Invalid UTF-8 is a damaged field, not text to repair: String(decoding:) would
        // replace the bad bytes and hand on a message that was never sent.
        guard let text = String(validating: bytes[offset..<(offset + length)], as: UTF8.self) else { throw .malformedPayload(kind) }
        offset += length
        return text
    }
}

/// The fixed fields after a task's or a result's bytes: up to six 64-bit integers, kept
/// inline (no array of its own to allocate for each frame).
package struct FrameTrailer: Sendable {
    package private(set) var fields: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
    package private(set) var count = 0

    package static let none = FrameTrailer()

    package init() {}

    /// A task's trailer: one field. (Fixed arities rather than a variadic list: a variadic
    /// list is an array, which this type exists to avoid.)
    package init(_ first: UInt64) {
        append(first)
    }

    /// A task's trailer in a slot: two fields.
    package init(_ first: UInt64, _ second: UInt64) {
        append(first)
        append(second)
    }

    /// A result's trailer: five fields, and a sixth for a result in a slot.
    package init(_ first: UInt64, _ second: UInt64, _ third: UInt64, _ fourth: UInt64, _ fifth: UInt64, _ sixth: UInt64? = nil) {
        append(first)
        append(second)
        append(third)
        append(fourth)
        append(fifth)
        if let sixth { append(sixth) }
    }

    private mutating func append(_ value: UInt64) {
        withUnsafeMutableBytes(of: &fields) { $0.storeBytes(of: value.littleEndian, toByteOffset: 8 * count, as: UInt64.self) }
        count += 1
    }

    /// Its size on the wire.
    package var byteCount: Int { 8 * count }

    /// Field `index` (from 0).
    package subscript(index: Int) -> UInt64 {
        precondition(index < count, "no such trailer field")
        return withUnsafeBytes(of: fields) { UInt64(littleEndian: $0.load(fromByteOffset: 8 * index, as: UInt64.self)) }
    }

    /// Appends its bytes, little-endian, to `bytes`.
    package func append(to bytes: inout [UInt8]) {
        withUnsafeBytes(of: fields) { bytes.append(contentsOf: $0.prefix(byteCount)) }
    }

    /// Reads `count` fields from the end of `bytes` and removes them (in place: a uniquely
    /// held array keeps its storage); `nil` when `bytes` is shorter than that.
    package static func cut(_ count: Int, from bytes: inout [UInt8]) -> FrameTrailer? {
        let start = bytes.count - 8 * count
        guard start >= 0 else { return nil }
        var trailer = FrameTrailer()
        bytes.withUnsafeBytes { raw in
            for field in 0..<count { trailer.append(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start + 8 * field, as: UInt64.self))) }
        }
        bytes.removeLast(8 * count)
        return trailer
    }
}
