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
    package init(
        _ first: UInt64, _ second: UInt64, _ third: UInt64, _ fourth: UInt64, _ fifth: UInt64, _ sixth: UInt64? = nil
    ) {
        append(first)
        append(second)
        append(third)
        append(fourth)
        append(fifth)
        if let sixth { append(sixth) }
    }

    private mutating func append(_ value: UInt64) {
        withUnsafeMutableBytes(of: &fields) {
            $0.storeBytes(of: value.littleEndian, toByteOffset: 8 * count, as: UInt64.self)
        }
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
            for field in 0..<count {
                trailer.append(
                    UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start + 8 * field, as: UInt64.self)))
            }
        }
        bytes.removeLast(8 * count)
        return trailer
    }
}
