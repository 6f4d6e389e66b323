/// Where a ``FrameReader`` gets its bytes: a file descriptor, or (in tests) memory served in
/// chunks of chosen sizes.
package protocol ByteSource {
    /// Fills a prefix of `buffer`; returns how many bytes, 0 at end of stream.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// No data arrived before a source's deadline.
package struct ReadDeadlinePassed: Error {}

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
