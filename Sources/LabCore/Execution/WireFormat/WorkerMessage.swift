/// The messages of the coordinator-worker protocol, and their frames.
///
/// A session: the coordinator sends ``setup``; the worker answers ``ready`` (or ``failure``);
/// then for each task the coordinator sends ``task`` and the worker answers ``result`` or
/// ``failure`` (over `shm`, an in-place workload's ``taskInSlot`` and ``resultInSlot``, whose
/// bytes lie in the region's slots). The coordinator ends the session by closing the request pipe; the worker
/// exits when it reads end of file.
package enum WorkerMessage: Sendable, Equatable {
    /// `datasetPath`: where the worker maps the workload's dataset from (`--dataset map`);
    /// empty when it builds its own.
    case setup(
        workload: String, parameters: String, fixtureValues: [String: String], taskCount: Int, datasetPath: String = "")
    case ready(processID: Int32)
    case task(index: Int, input: [UInt8])
    /// `started` and `ended`: when the task's body ran, in nanoseconds on the worker's
    /// monotonic clock (the system-wide one the coordinator reads too).
    case result(index: Int, output: TaskOutput, started: UInt64, ended: UInt64)
    /// `index` is `nil` when the setup failed.
    /// Over `shm`: the task's input is the first `inputBytes` of the region's input slot.
    case taskInSlot(index: Int, inputBytes: Int)
    /// Over `shm`: the task's result is the first `resultBytes` of the region's result slot
    /// (`output`'s payload is empty).
    case resultInSlot(index: Int, output: TaskOutput, resultBytes: Int, started: UInt64, ended: UInt64)
    case failure(index: Int?, message: String)
    case finish
    case usage(WorkerReport)

    /// The frame that carries this message.
    package var frame: Frame {
        let (kind, body, trailer) = parts
        var payload = body
        trailer.append(to: &payload)
        return Frame(kind: kind, payload: payload)
    }

    /// The frame's payload in two pieces, written one after the other: task and result
    /// frames carry their bytes first and their fixed fields last (the trailer), so that the
    /// writer sends the bytes from where they are and the reader keeps the payload array as
    /// the bytes by cutting the trailer off, neither of them copying the bytes.
    package var parts: (kind: FrameKind, body: [UInt8], trailer: FrameTrailer) {
        switch self {
        case .task(let index, let input):
            return (.task, input, FrameTrailer(UInt64(index)))
        case .result(let index, let output, let started, let ended):
            return (.result, output.payload, FrameTrailer(UInt64(index), output.checksum, output.units, started, ended))
        case .taskInSlot(let index, let inputBytes):
            return (.taskInSlot, [], FrameTrailer(UInt64(index), UInt64(inputBytes)))
        case .resultInSlot(let index, let output, let resultBytes, let started, let ended):
            return (
                .resultInSlot, [],
                FrameTrailer(UInt64(index), output.checksum, output.units, started, ended, UInt64(resultBytes))
            )
        default:
            let frame = fieldsFirstFrame
            return (frame.kind, frame.payload, .none)
        }
    }

    /// The frame of a message whose fields all come first.
    private var fieldsFirstFrame: Frame {
        var writer = PayloadWriter()
        switch self {
        case .setup(let workload, let parameters, let fixtureValues, let taskCount, let datasetPath):
            writer.append(workload)
            writer.append(parameters)
            writer.append(UInt64(fixtureValues.count))
            for key in fixtureValues.keys.sorted() {
                writer.append(key)
                writer.append(fixtureValues[key]!)
            }
            writer.append(UInt64(taskCount))
            writer.append(datasetPath)
            return Frame(kind: .setup, payload: writer.bytes)
        case .ready(let processID):
            writer.append(UInt64(UInt32(bitPattern: processID)))
            return Frame(kind: .ready, payload: writer.bytes)
        case .task, .result, .taskInSlot, .resultInSlot:
            preconditionFailure("task and result frames are built by parts")
        case .failure(let index, let message):
            writer.append(index.map { UInt64($0) } ?? UInt64.max)
            writer.append(message)
            return Frame(kind: .failure, payload: writer.bytes)
        case .finish:
            return Frame(kind: .finish)
        case .usage(let report):
            report.fields.forEach { writer.append($0) }
            return Frame(kind: .usage, payload: writer.bytes)
        }
    }

    /// Decodes a frame. A task's input and a result's bytes are the frame's own payload
    /// array with the trailer cut off: pass a frame you no longer need (`consume frame`),
    /// and they are not copied.
    /// - Throws: ``WireFormatError/malformedPayload(_:)`` when a field is missing or out of range.
    package init(frame: consuming Frame) throws(WireFormatError) {
        let kind = frame.kind
        switch kind {
        case .task:
            var bytes = frame.payload
            frame.payload = []
            guard let trailer = FrameTrailer.cut(1, from: &bytes) else { throw .malformedPayload(.task) }
            self = .task(index: try WorkerMessage.index(trailer[0], kind: .task), input: bytes)
            return
        case .result:
            var bytes = frame.payload
            frame.payload = []
            guard let trailer = FrameTrailer.cut(5, from: &bytes) else { throw .malformedPayload(.result) }
            self = .result(
                index: try WorkerMessage.index(trailer[0], kind: .result),
                output: TaskOutput(checksum: trailer[1], units: trailer[2], payload: bytes), started: trailer[3],
                ended: trailer[4])
            return
        case .taskInSlot:
            guard frame.payload.count == 16, let trailer = FrameTrailer.cut(2, from: &frame.payload) else {
                throw .malformedPayload(.taskInSlot)
            }
            self = .taskInSlot(
                index: try WorkerMessage.index(trailer[0], kind: .taskInSlot),
                inputBytes: try WorkerMessage.index(trailer[1], kind: .taskInSlot))
            return
        case .resultInSlot:
            guard frame.payload.count == 48, let trailer = FrameTrailer.cut(6, from: &frame.payload) else {
                throw .malformedPayload(.resultInSlot)
            }
            self = .resultInSlot(
                index: try WorkerMessage.index(trailer[0], kind: .resultInSlot),
                output: TaskOutput(checksum: trailer[1], units: trailer[2]),
                resultBytes: try WorkerMessage.index(trailer[5], kind: .resultInSlot), started: trailer[3],
                ended: trailer[4])
            return
        default:
            break
        }
        var reader = PayloadReader(frame)
        switch kind {
        case .setup:
            let workload = try reader.readString()
            let parameters = try reader.readString()
            let count = try WorkerMessage.index(try reader.readUInt64(), kind: .setup)
            var fixtureValues: [String: String] = [:]
            for _ in 0..<count {
                let key = try reader.readString()
                fixtureValues[key] = try reader.readString()
            }
            let taskCount = try WorkerMessage.index(try reader.readUInt64(), kind: .setup)
            let datasetPath = try reader.readString()
            self = .setup(
                workload: workload, parameters: parameters, fixtureValues: fixtureValues, taskCount: taskCount,
                datasetPath: datasetPath)
        case .ready:
            let value = try reader.readUInt64()
            guard value <= UInt64(UInt32.max) else { throw .malformedPayload(.ready) }
            self = .ready(processID: Int32(bitPattern: UInt32(value)))
        case .task, .result, .taskInSlot, .resultInSlot:
            preconditionFailure("decoded above")
        case .failure:
            let raw = try reader.readUInt64()
            let index = raw == UInt64.max ? nil : try WorkerMessage.index(raw, kind: .failure)
            self = .failure(index: index, message: try reader.readString())
        case .finish:
            self = .finish
        case .usage:
            var fields: [UInt64] = []
            for _ in 0..<WorkerReport.fieldCount {
                fields.append(try reader.readUInt64())
            }
            guard let report = WorkerReport(fields: fields) else { throw .malformedPayload(.usage) }
            self = .usage(report)
        }
    }

    private static func index(_ raw: UInt64, kind: FrameKind) throws(WireFormatError) -> Int {
        guard raw <= UInt64(Int32.max) else { throw .malformedPayload(kind) }
        return Int(raw)
    }
}

/// Builds a payload field by field.
package struct PayloadWriter {
    package private(set) var bytes: [UInt8] = []

    package init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    package mutating func append(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    package mutating func append(_ text: String) {
        let utf8 = Array(text.utf8)
        withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: utf8)
    }

}
