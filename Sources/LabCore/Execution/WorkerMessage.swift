/// The messages of the coordinator-worker protocol, and their frames.
///
/// A session: the coordinator sends ``setup``; the worker answers ``ready`` (or ``failure``);
/// then for each task the coordinator sends ``task`` and the worker answers ``result`` or
/// ``failure``. The coordinator ends the session by closing the request pipe; the worker
/// exits when it reads end of file.
package enum WorkerMessage: Sendable, Equatable {
    case setup(workload: String, parameters: String, fixtureValues: [String: String], taskCount: Int)
    case ready(processID: Int32)
    case task(index: Int, input: [UInt8])
    /// `started` and `ended`: when the task's body ran, in nanoseconds on the worker's
    /// monotonic clock (the system-wide one the coordinator reads too).
    case result(index: Int, output: TaskOutput, started: UInt64, ended: UInt64)
    /// `index` is `nil` when the setup failed.
    case failure(index: Int?, message: String)
    case finish
    case usage(ResourceUsage)

    /// The frame that carries this message.
    package var frame: Frame {
        var writer = PayloadWriter()
        switch self {
        case .setup(let workload, let parameters, let fixtureValues, let taskCount):
            writer.append(workload)
            writer.append(parameters)
            writer.append(UInt64(fixtureValues.count))
            for key in fixtureValues.keys.sorted() {
                writer.append(key)
                writer.append(fixtureValues[key]!)
            }
            writer.append(UInt64(taskCount))
            return Frame(kind: .setup, payload: writer.bytes)
        case .ready(let processID):
            writer.append(UInt64(UInt32(bitPattern: processID)))
            return Frame(kind: .ready, payload: writer.bytes)
        case .task(let index, let input):
            writer = PayloadWriter(reservingCapacity: 8 + input.count)
            writer.append(UInt64(index))
            writer.append(rest: input)
            return Frame(kind: .task, payload: writer.bytes)
        case .result(let index, let output, let started, let ended):
            writer = PayloadWriter(reservingCapacity: 40 + output.payload.count)
            writer.append(UInt64(index))
            writer.append(output.checksum)
            writer.append(output.units)
            writer.append(started)
            writer.append(ended)
            writer.append(rest: output.payload)
            return Frame(kind: .result, payload: writer.bytes)
        case .failure(let index, let message):
            writer.append(index.map { UInt64($0) } ?? UInt64.max)
            writer.append(message)
            return Frame(kind: .failure, payload: writer.bytes)
        case .finish:
            return Frame(kind: .finish)
        case .usage(let usage):
            writer.append(UInt64((usage.userSeconds * 1e6).rounded()))
            writer.append(UInt64((usage.systemSeconds * 1e6).rounded()))
            writer.append(UInt64(max(usage.maxResidentKiB, 0)))
            writer.append(UInt64(max(usage.voluntaryContextSwitches, 0)))
            writer.append(UInt64(max(usage.involuntaryContextSwitches, 0)))
            return Frame(kind: .usage, payload: writer.bytes)
        }
    }

    /// Decodes a frame.
    /// - Throws: ``WireFormatError/malformedPayload(_:)`` when a field is missing or out of range.
    package init(frame: Frame) throws(WireFormatError) {
        var reader = PayloadReader(frame)
        switch frame.kind {
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
            self = .setup(workload: workload, parameters: parameters, fixtureValues: fixtureValues, taskCount: taskCount)
        case .ready:
            let value = try reader.readUInt64()
            guard value <= UInt64(UInt32.max) else { throw .malformedPayload(.ready) }
            self = .ready(processID: Int32(bitPattern: UInt32(value)))
        case .task:
            self = .task(index: try WorkerMessage.index(try reader.readUInt64(), kind: .task), input: reader.readRest())
        case .result:
            let index = try WorkerMessage.index(try reader.readUInt64(), kind: .result)
            let checksum = try reader.readUInt64()
            let units = try reader.readUInt64()
            let started = try reader.readUInt64()
            let ended = try reader.readUInt64()
            self = .result(
                index: index, output: TaskOutput(checksum: checksum, units: units, payload: reader.readRest()), started: started, ended: ended)
        case .failure:
            let raw = try reader.readUInt64()
            let index = raw == UInt64.max ? nil : try WorkerMessage.index(raw, kind: .failure)
            self = .failure(index: index, message: try reader.readString())
        case .finish:
            self = .finish
        case .usage:
            var fields: [Int] = []
            for _ in 0..<5 {
                let value = try reader.readUInt64()
                guard value <= UInt64(Int64.max) else { throw .malformedPayload(.usage) }
                fields.append(Int(value))
            }
            self = .usage(
                ResourceUsage(
                    userSeconds: Double(fields[0]) / 1e6, systemSeconds: Double(fields[1]) / 1e6, maxResidentKiB: fields[2],
                    voluntaryContextSwitches: fields[3], involuntaryContextSwitches: fields[4]))
        }
    }

    private static func index(_ raw: UInt64, kind: FrameKind) throws(WireFormatError) -> Int {
        guard raw <= UInt64(Int32.max) else { throw .malformedPayload(kind) }
        return Int(raw)
    }
}
