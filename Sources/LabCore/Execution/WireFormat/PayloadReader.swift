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
        guard let text = String(validating: bytes[offset..<(offset + length)], as: UTF8.self) else {
            throw .malformedPayload(kind)
        }
        offset += length
        return text
    }
}
