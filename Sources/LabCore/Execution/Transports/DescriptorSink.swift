/// A pipe, socket or file descriptor as a ``ByteSink``. It does not own the descriptor.
package struct DescriptorSink: ByteSink {
    package let descriptor: Int32

    package init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    package mutating func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        try Platform.writeAll(descriptor, bytes)
    }
}
