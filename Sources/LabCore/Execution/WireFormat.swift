/// The frames coordinator and workers exchange over pipes.
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
/// and UTF-8 bytes; a trailing byte buffer takes the rest of the payload.
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

    package mutating func append(rest: [UInt8]) {
        bytes.append(contentsOf: rest)
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

    /// Everything not read yet.
    package mutating func readRest() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }
}
