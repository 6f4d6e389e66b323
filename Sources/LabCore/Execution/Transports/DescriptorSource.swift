import Glibc

/// A pipe, socket or file descriptor as a ``ByteSource``. It does not own the descriptor.
package struct DescriptorSource: ByteSource {

    package let descriptor: Int32
    /// When a read gives up (monotonic seconds); infinity waits for ever.
    package var deadline: Double = .infinity

    package init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    package mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if deadline.isFinite,
            try !Platform.waitUntilReadable(descriptor, seconds: deadline - Platform.monotonicSeconds())
        {
            throw ReadDeadlinePassed()
        }
        do {
            return try Platform.read(descriptor, into: buffer)
        } catch  where error.errno == ECONNRESET {
            // A socket whose peer died with bytes of ours unread is reset rather than ended;
            // for a reader that is the end of the stream, as a pipe's writer dying is.
            return 0
        }
    }
}
