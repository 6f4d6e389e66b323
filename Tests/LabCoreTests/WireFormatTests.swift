import Foundation
import Testing

@testable import LabCore

/// Serves bytes from memory in chunks of the given sizes, cycling, to imitate partial reads.
struct ChunkedSource: ByteSource {
    var bytes: [UInt8]
    var chunkSizes: [Int]
    var offset = 0
    var reads = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let wanted = min(chunkSizes[reads % chunkSizes.count], buffer.count, bytes.count - offset)
        reads += 1
        for index in 0..<wanted { buffer[index] = bytes[offset + index] }
        offset += wanted
        return wanted
    }
}

/// The bytes a frame becomes on the wire, written through a real pipe by FrameWriter.
func encoded(_ frames: [Frame]) throws -> [UInt8] {
    let pipe = try Platform.makePipe()
    defer { Platform.close(pipe.read) }
    let writerThread = try JoinableThread {
        var writer = FrameWriter(descriptor: pipe.write)
        for frame in frames { try! writer.write(frame) }
        Platform.close(pipe.write)
    }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = try chunk.withUnsafeMutableBytes { try Platform.read(pipe.read, into: $0) }
        if count == 0 { break }
        bytes.append(contentsOf: chunk[0..<count])
    }
    writerThread.join()
    return bytes
}

func readAll<S: ByteSource>(_ reader: inout FrameReader<S>) throws -> [Frame] {
    var frames: [Frame] = []
    while let frame = try reader.readFrame() { frames.append(frame) }
    return frames
}

@Suite struct WireFormatTests {
    static let messages: [WorkerMessage] = [
        .setup(workload: "primes", parameters: "limit=2000000", fixtureValues: [:], taskCount: 8),
        .setup(
            workload: "sleep", parameters: "seconds=0.3,0.2,0.1", fixtureValues: ["port": "4242", "host": "127.0.0.1"],
            taskCount: 3),
        .ready(processID: 12345),
        .task(index: 0, input: []),
        .task(index: 7, input: Array("hello, worker".utf8)),
        .result(
            index: 7, output: TaskOutput(checksum: 0xdead_beef_cafe_f00d, units: 42, payload: [1, 2, 3]),
            started: 1_000_000_007, ended: UInt64.max),
        .result(index: 0, output: TaskOutput(checksum: 0, units: 0), started: 0, ended: 0),
        .failure(index: 3, message: "task blew up: ünïcode ✓"),
        .failure(index: nil, message: "unknown workload 'x'"),
    ]

    @Test("a consumed task or result frame hands over its bytes without copying them (the fields are a trailer)")
    func bytesAreNotCopied() throws {
        func address(_ bytes: [UInt8]) -> UInt { bytes.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } }
        let task = WorkerMessage.task(index: 3, input: [UInt8](repeating: 1, count: 1 << 20)).frame
        let taskBytes = address(task.payload)
        guard case .task(3, let input) = try WorkerMessage(frame: consume task) else {
            Issue.record("not task 3"); return
        }
        #expect(input == [UInt8](repeating: 1, count: 1 << 20))
        #expect(address(input) == taskBytes)
        let result = WorkerMessage.result(
            index: 4, output: TaskOutput(checksum: 9, units: 8, payload: [7, 7, 7]), started: 1, ended: 2
        ).frame
        let resultBytes = address(result.payload)
        guard case .result(4, let output, 1, 2) = try WorkerMessage(frame: consume result) else {
            Issue.record("not result 4"); return
        }
        #expect(output == TaskOutput(checksum: 9, units: 8, payload: [7, 7, 7]))
        #expect(address(output.payload) == resultBytes)
    }

    @Test("every message survives encoding and decoding", arguments: messages)
    func messageRoundTrip(message: WorkerMessage) throws {
        #expect(try WorkerMessage(frame: message.frame) == message)
    }

    @Test("text that is not UTF-8 is a malformed frame, never repaired into another message")
    func invalidText() throws {
        var frame = WorkerMessage.failure(index: 1, message: "ok").frame
        let last = frame.payload.count - 1
        frame.payload[last] = 0xFF
        #expect(throws: WireFormatError.malformedPayload(.failure)) { try WorkerMessage(frame: frame) }
    }

    @Test("frames arrive whole however the reads split them", arguments: [[1], [2, 3], [5], [7, 1, 64], [4096]])
    func partialReads(chunkSizes: [Int]) throws {
        let frames = Self.messages.map(\.frame)
        let bytes = try encoded(frames)
        var reader = FrameReader(source: ChunkedSource(bytes: bytes, chunkSizes: chunkSizes), bufferBytes: 16)
        #expect(try readAll(&reader) == frames)
    }

    @Test("a frame split across reads inside its header and its payload")
    func splitFrame() throws {
        let frame = WorkerMessage.task(index: 1, input: Array(repeating: 9, count: 100)).frame
        let bytes = try encoded([frame, frame])
        // 3 bytes: inside the first header; 50: inside the first payload; rest: across both.
        var reader = FrameReader(source: ChunkedSource(bytes: bytes, chunkSizes: [3, 50, 1000]))
        #expect(try readAll(&reader) == [frame, frame])
    }

    @Test("payloads larger than a pipe's buffer cross a real pipe intact", arguments: [70_000, 1 << 20, 8 << 20])
    func largePayloadThroughPipe(size: Int) throws {
        var payload = [UInt8](repeating: 0, count: size)
        for index in payload.indices { payload[index] = UInt8(truncatingIfNeeded: index &* 31 &+ index >> 8) }
        let frame = WorkerMessage.result(
            index: 5, output: TaskOutput(checksum: 1, units: 2, payload: payload), started: 1, ended: 2
        ).frame
        let pipe = try Platform.makePipe()
        defer { Platform.close(pipe.read) }
        let writerThread = try JoinableThread {
            var writer = FrameWriter(descriptor: pipe.write)
            try! writer.write(frame)
            try! writer.write(Frame(kind: .ready, payload: [0, 0, 0, 0, 0, 0, 0, 0]))
            Platform.close(pipe.write)
        }
        var reader = FrameReader(source: DescriptorSource(descriptor: pipe.read))
        let first = try #require(try reader.readFrame())
        #expect(first.payload.count == frame.payload.count)
        #expect(first == frame)
        #expect(try reader.readFrame()?.kind == .ready)
        #expect(try reader.readFrame() == nil)
        writerThread.join()
    }

    @Test("queued frames go out in one write at flush")
    func queuedFrames() throws {
        let pipe = try Platform.makePipe()
        defer { Platform.close(pipe.read) }
        var writer = FrameWriter(descriptor: pipe.write)
        let frames = (0..<3).map {
            WorkerMessage.task(index: $0, input: [UInt8](repeating: UInt8($0), count: 10)).frame
        }
        for frame in frames { try writer.enqueue(frame) }
        #expect(try Platform.waitUntilReadable(pipe.read, seconds: 0) == false, "enqueue must not write")
        try writer.flush()
        Platform.close(pipe.write)
        var reader = FrameReader(source: DescriptorSource(descriptor: pipe.read))
        #expect(try reader.readFrame() == frames[0])
        #expect(try reader.readFrame() == frames[1])
        #expect(try reader.readFrame() == frames[2])
        #expect(try reader.readFrame() == nil)
    }

    @Test("clean end of stream between frames is nil, not an error")
    func cleanEnd() throws {
        var reader = FrameReader(source: ChunkedSource(bytes: [], chunkSizes: [1]))
        #expect(try reader.readFrame() == nil)
    }

    @Test("a stream that ends inside a header or a payload is a truncated frame")
    func truncated() throws {
        let bytes = try encoded([WorkerMessage.task(index: 1, input: [1, 2, 3, 4]).frame])
        for cut in [1, 4, 5, 8, bytes.count - 1] {
            var reader = FrameReader(source: ChunkedSource(bytes: Array(bytes[0..<cut]), chunkSizes: [2]))
            #expect(throws: WireFormatError.self) { try reader.readFrame() }
        }
    }

    @Test("a length field beyond the maximum is refused before any allocation")
    func oversizedLength() throws {
        let bytes: [UInt8] = [0xff, 0xff, 0xff, 0xff, FrameKind.task.rawValue]
        var reader = FrameReader(source: ChunkedSource(bytes: bytes, chunkSizes: [5]))
        #expect(throws: WireFormatError.payloadTooLarge(Int(UInt32.max))) { try reader.readFrame() }
    }

    @Test("an unknown kind byte is refused")
    func unknownKind() throws {
        var reader = FrameReader(source: ChunkedSource(bytes: [0, 0, 0, 0, 99], chunkSizes: [5]))
        #expect(throws: WireFormatError.unknownKind(99)) { try reader.readFrame() }
    }

    @Test("a payload missing its fields is malformed")
    func malformedPayload() throws {
        #expect(throws: WireFormatError.malformedPayload(.result)) {
            try WorkerMessage(frame: Frame(kind: .result, payload: [1, 2, 3]))
        }
        #expect(throws: WireFormatError.malformedPayload(.setup)) {
            try WorkerMessage(frame: Frame(kind: .setup, payload: [200, 0, 0, 0, 65]))
        }
    }
}

@Suite struct FrameFuzzTests {
    /// Random and mutated byte strings: the reader must return frames, nil at the end, or a
    /// typed error, never crash, hang or allocate what a length field claims.
    @Test("random and mutated streams give frames or typed errors only")
    func fuzz() throws {
        var random = DeterministicRandom(seed: 0xf0221)
        let valid = try encoded(WireFormatTests.messages.map(\.frame))
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = DeterministicRandom.bytes(count: Int(random.next() % 64), seed: random.next())
            } else {
                bytes = valid
                for _ in 0..<(1 + Int(random.next() % 6)) {
                    let position = Int(random.next() % UInt64(bytes.count))
                    switch random.next() % 3 {
                    case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                    case 1: bytes.removeSubrange(position...)
                    default: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
                    }
                    if bytes.isEmpty { break }
                }
            }
            var reader = FrameReader(source: ChunkedSource(bytes: bytes, chunkSizes: [1 + Int(random.next() % 9)]))
            var frames = 0
            do {
                while let frame = try reader.readFrame() {
                    frames += 1
                    // Decoding a message from any frame is typed (a value or WireFormatError, which
                    // the compiler holds it to); a frame that decodes must hold a message that
                    // survives its own encoding, so no damaged byte is repaired into text that
                    // was never sent (invalid UTF-8 once was).
                    do {
                        let message = try WorkerMessage(frame: frame)
                        #expect(
                            try WorkerMessage(frame: message.frame) == message, "a damaged frame decoded to \(message)")
                    } catch {
                        #expect(!error.description.isEmpty)
                    }
                    #expect(frames <= bytes.count)
                }
            } catch is WireFormatError {
                // A typed refusal is the other allowed answer.
            }
        }
    }
}
