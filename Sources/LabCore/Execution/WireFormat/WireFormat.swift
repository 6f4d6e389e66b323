/// The frames coordinator and workers exchange over their transport (pipes, a socket pair or
/// shared-memory rings: the same bytes in each).
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
/// and UTF-8 bytes. Task and result frames carry their bytes first and their fixed fields
/// after them (a task: input, then index; a result: its bytes, then index, checksum, units,
/// started, ended), so that neither side copies the bytes (see ``WorkerMessage/parts``).
package enum WireFormat {
    /// Header size in bytes.
    package static let headerBytes = 5
    /// The largest payload a reader accepts; a larger length field is a protocol error, never
    /// an allocation.
    package static let maximumPayloadBytes = 1 << 30
}
