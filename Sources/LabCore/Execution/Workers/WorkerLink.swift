/// The coordinator's end of one worker's transport: frames out, frames in.
///
/// Used by one thread at a time (the worker's owner), like ``WorkerProcess``.
protocol WorkerLink: AnyObject {
    /// At most this many frame bytes of tasks go out before their answers are read: a batch
    /// that fits is taken whole by an empty transport, so the coordinator never blocks writing
    /// while the worker blocks writing results back.
    var pipelineBytes: Int { get }
    /// Whether each task of a batch goes out as soon as it is encoded, so that the worker
    /// starts on it while the rest are encoded; otherwise a batch goes out in one write.
    var publishesEachFrame: Bool { get }
    /// Queues a frame of `body` then `trailer` (see ``WorkerMessage/parts``).
    func enqueue(kind: FrameKind, body: [UInt8], trailer: FrameTrailer) throws(SystemError)
    func flush() throws(SystemError)
    /// The next frame; `nil` at a clean end of stream.
    /// - Throws: ``ReadDeadlinePassed`` after `deadline` (monotonic seconds), a
    ///   ``WireFormatError`` for a broken stream, a ``SystemError`` when reading fails.
    func readFrame(deadline: Double) throws -> Frame?
    /// No more requests: the worker reads the end of its request stream.
    func endRequests()
    /// Releases what is left (once the worker is gone).
    func close()
}
