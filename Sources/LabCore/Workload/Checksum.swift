/// 64-bit FNV-1a: small, fast, deterministic on every platform, and good enough to tell
/// whether two runs produced the same bytes (it is not a cryptographic hash).
public struct Checksum: Sendable, Equatable {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// The running value.
    public var value: UInt64 { state }

    @usableFromInline var state: UInt64 = Checksum.offsetBasis

    public init() {}

    /// Folds raw bytes into the checksum.
    @inlinable
    public mutating func combine(bytes: [UInt8]) {
        bytes.withUnsafeBytes { combine(bytes: $0) }
    }

    /// Folds raw bytes into the checksum.
    @inlinable
    public mutating func combine(bytes: UnsafeRawBufferPointer) {
        var hash = state
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= Checksum.prime
        }
        state = hash
    }

    /// Folds a 64-bit value (its eight little-endian bytes) into the checksum.
    @inlinable
    public mutating func combine(_ word: UInt64) {
        var hash = state
        var remaining = word
        for _ in 0..<8 {
            hash ^= remaining & 0xff
            hash &*= Checksum.prime
            remaining >>= 8
        }
        state = hash
    }

    /// The FNV-1a digest of `bytes`.
    @inlinable
    public static func digest(_ bytes: [UInt8]) -> UInt64 {
        var checksum = Checksum()
        checksum.combine(bytes: bytes)
        return checksum.value
    }

    /// The checksum of a whole run: each task's checksum and payload digest, in task order.
    /// Identical in every mode when every mode did the same work.
    public static func combined(_ outcomes: [TaskOutcome]) -> UInt64 {
        var checksum = Checksum()
        for outcome in outcomes {
            checksum.combine(outcome.checksum)
            checksum.combine(outcome.payloadDigest)
        }
        return checksum.value
    }

    /// The fixed-width hexadecimal form written to CSV and shown to users.
    public static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
