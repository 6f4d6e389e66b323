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
