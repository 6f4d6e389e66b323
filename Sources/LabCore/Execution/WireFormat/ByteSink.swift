/// Where a ``FrameWriter`` puts its bytes: a file descriptor, or a shared-memory ring.
package protocol ByteSink {
    /// Writes every byte of `bytes`, waiting for room as long as it takes.
    /// - Throws: ``SystemError`` (`EPIPE` when the reader is gone).
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError)
}

extension ByteSink {
    /// Writes every byte of an array (`withUnsafeBytes` rethrows untyped errors, so the
    /// sink's typed error travels inside a `Result`).
    package mutating func write(_ bytes: [UInt8]) throws(SystemError) {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(SystemError) in try write(buffer) }
        }.get()
    }
}
