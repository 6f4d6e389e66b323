/// SplitMix64: a tiny, fast generator whose sequence depends only on its seed, so that input
/// data made from a task index is the same in every mode and every process.
public struct DeterministicRandom: Sendable {
    @usableFromInline var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 pseudo-random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
        return mixed ^ (mixed >> 31)
    }

    /// `count` pseudo-random bytes from `seed`.
    public static func bytes(count: Int, seed: UInt64) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(UnsafeMutableRawBufferPointer(buffer), seed: seed)
            initialized = count
        }
    }

    /// Fills `buffer` with the bytes ``bytes(count:seed:)`` returns for its count.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer, seed: UInt64) {
        var generator = DeterministicRandom(seed: seed)
        let count = buffer.count
        var offset = 0
        while offset + 8 <= count {
            buffer.storeBytes(of: generator.next().littleEndian, toByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        var word = generator.next()
        while offset < count {
            buffer[offset] = UInt8(truncatingIfNeeded: word)
            word >>= 8
            offset += 1
        }
    }
}
