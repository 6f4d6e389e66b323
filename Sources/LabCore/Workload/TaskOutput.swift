/// What one task hands back to the coordinator.
public struct TaskOutput: Sendable, Equatable {
    /// A digest of what the task computed; deterministic for the same parameters and index.
    public var checksum: UInt64
    /// Units of work done (numbers tested, milliseconds slept, ...); the workload says which.
    public var units: UInt64
    /// Result bytes that must travel back to the coordinator (in process mode, over the pipe).
    public var payload: [UInt8]

    public init(checksum: UInt64, units: UInt64 = 0, payload: [UInt8] = []) {
        self.checksum = checksum
        self.units = units
        self.payload = payload
    }
}

/// What the coordinator keeps of a finished task: the payload itself is digested where it
/// arrives (the coordinator's side) and then dropped, so that large results are not hoarded.
public struct TaskOutcome: Sendable, Equatable {
    public var checksum: UInt64
    public var units: UInt64
    /// The FNV-1a digest of the payload bytes as the coordinator received them.
    public var payloadDigest: UInt64
    public var inputBytes: Int
    public var payloadBytes: Int

    public init(output: TaskOutput, inputBytes: Int) {
        self.checksum = output.checksum
        self.units = output.units
        self.payloadDigest = Checksum.digest(output.payload)
        self.inputBytes = inputBytes
        self.payloadBytes = output.payload.count
    }

    /// The outcome of an in-place body (see ``InPlaceWorkload``), whose result is `result`,
    /// digested where it lies.
    package init(output: TaskOutput, result: UnsafeRawBufferPointer, inputBytes: Int) {
        var digest = Checksum()
        digest.combine(bytes: result)
        self.checksum = output.checksum
        self.units = output.units
        self.payloadDigest = digest.value
        self.inputBytes = inputBytes
        self.payloadBytes = result.count
    }
}
