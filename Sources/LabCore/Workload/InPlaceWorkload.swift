/// A workload whose body reads its input where it lies and writes its result where the
/// reader will find it: one body for every mode, and no copy of the bytes on the way.
///
/// The coordinator's side writes a task's input with ``writeInput(forTask:into:)`` straight
/// into the memory the body reads: a buffer a pool thread keeps for its tasks, or, over
/// `--transport shm`, the worker's input slot in the memory it shares with the coordinator.
/// The body writes its result into a ``ResultBuffer`` of the same kind, and the coordinator
/// digests the bytes where they are. Over pipes and sockets the bytes still cross in
/// frames: the bridges below make the arrays a plain ``Workload`` uses, around the same body.
///
/// Adopt it when a task's input or result is large (many kilobytes): a task's bytes then stop
/// costing a process more than a thread. Every rule of ``Workload`` holds; besides:
/// - ``inputByteCount(forTask:)`` and ``resultByteCount(forTask:)`` are what the runtime
///   sizes its buffers with, for each task, before the task runs; a result longer than its
///   count fails the task.
/// - The input is borrowed for the body's call only, and so is the result buffer.
public protocol InPlaceWorkload: Workload {
    /// The bytes of task `index`'s input (the default: 0, none).
    func inputByteCount(forTask index: Int) -> Int

    /// Writes task `index`'s input into `buffer` (``inputByteCount(forTask:)`` bytes, not
    /// zeroed): the same bytes in every mode. The default writes nothing.
    func writeInput(forTask index: Int, into buffer: UnsafeMutableRawBufferPointer)

    /// The most bytes task `index` writes as its result (the default: 0, none).
    func resultByteCount(forTask index: Int) -> Int

    /// Runs task `index` on `input`, writing its result bytes into `result`, and returns its
    /// checksum and units (an output whose ``TaskOutput/payload`` is empty: the result is
    /// what the body wrote).
    func run(task index: Int, input: UnsafeRawBufferPointer, result: inout ResultBuffer) throws -> TaskOutput
}

extension InPlaceWorkload {
    public func inputByteCount(forTask index: Int) -> Int { 0 }

    public func writeInput(forTask index: Int, into buffer: UnsafeMutableRawBufferPointer) {}

    public func resultByteCount(forTask index: Int) -> Int { 0 }

    /// The input as an array, for a mode whose bytes travel in frames (a pipe, a socket) or as
    /// an async task's argument.
    public func input(forTask index: Int) -> [UInt8] {
        let count = inputByteCount(forTask: index)
        return [UInt8](unsafeUninitializedCapacity: count) { storage, initialized in
            writeInput(forTask: index, into: UnsafeMutableRawBufferPointer(storage))
            initialized = count
        }
    }

    /// The body on an array, with its result in a fresh array: what a worker over a pipe and
    /// the async mode call.
    public func run(task index: Int, input: [UInt8]) throws -> TaskOutput {
        var output = TaskOutput(checksum: 0)
        let payload = try [UInt8](unsafeUninitializedCapacity: resultByteCount(forTask: index)) {
            storage, initialized in
            var result = ResultBuffer(UnsafeMutableRawBufferPointer(storage))
            output = try input.withUnsafeBytes { try runInPlace(task: index, input: $0, result: &result) }
            initialized = result.count
        }
        output.payload = payload
        return output
    }

    /// The body, with its promise checked: an in-place body returns no payload of its own.
    package func runInPlace(
        task index: Int, input: UnsafeRawBufferPointer, result: inout ResultBuffer
    ) throws -> TaskOutput {
        let output = try run(task: index, input: input, result: &result)
        guard output.payload.isEmpty else {
            throw InPlaceWorkloadError.payloadReturned(task: index, bytes: output.payload.count)
        }
        return output
    }
}

/// Where an ``InPlaceWorkload``'s body writes its result: a buffer of
/// ``InPlaceWorkload/resultByteCount(forTask:)`` bytes that the body fills from the front.
public struct ResultBuffer {
    private let storage: UnsafeMutableRawBufferPointer
    /// The bytes written so far: the result.
    public private(set) var count = 0

    package init(_ storage: UnsafeMutableRawBufferPointer) {
        self.storage = storage
    }

    /// The bytes written so far.
    package var written: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<count]) }

    /// The bytes left to write.
    public var remaining: Int { storage.count - count }

    /// Hands `body` the next `byteCount` bytes of the buffer (not zeroed) to fill; they
    /// are then part of the result.
    /// - Throws: ``InPlaceWorkloadError/resultTooLong(declared:wanted:)`` when they do not
    ///   fit in what the workload declared; what `body` throws.
    @discardableResult
    public mutating func append<T>(byteCount: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> T) throws -> T {
        guard byteCount >= 0, byteCount <= remaining else {
            throw InPlaceWorkloadError.resultTooLong(declared: storage.count, wanted: count + byteCount)
        }
        let value = try body(UnsafeMutableRawBufferPointer(rebasing: storage[count..<(count + byteCount)]))
        count += byteCount
        return value
    }

    /// Appends a copy of `bytes`.
    /// - Throws: like ``append(byteCount:_:)``.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) throws {
        try append(byteCount: bytes.count) { $0.copyMemory(from: bytes) }
    }
}

/// An ``InPlaceWorkload`` that broke its promises; the task fails with this description.
public enum InPlaceWorkloadError: Error, CustomStringConvertible, Equatable {
    /// The body wrote more result bytes than ``InPlaceWorkload/resultByteCount(forTask:)`` said.
    case resultTooLong(declared: Int, wanted: Int)
    /// The body returned a payload instead of writing its result.
    case payloadReturned(task: Int, bytes: Int)

    public var description: String {
        switch self {
        case .resultTooLong(let declared, let wanted):
            "the result takes \(wanted) bytes, more than the \(declared) the workload declared (resultByteCount)"
        case .payloadReturned(let task, let bytes):
            "task \(task) returned a payload of \(bytes) bytes from an in-place body; write it into the result buffer "
                + "instead"
        }
    }
}
