import Synchronization
import Testing

@testable import LabCore

/// An in-place workload: one body for every mode, its bytes never copied on the way, and its
/// promises checked.
@Suite struct InPlaceWorkloadTests {
    @Test("the array bridges give what the in-place body gives, and what the same workload written with arrays gives")
    func bridges() throws {
        let inPlace = try configuredInPlaceEcho(["size": "300"], tasks: 5)
        let arrays = try configuredEcho(["size": "300"], tasks: 5)
        for index in 0..<5 {
            let input = inPlace.instance.input(forTask: index)
            #expect(input == arrays.instance.input(forTask: index))
            #expect(
                try inPlace.instance.run(task: index, input: input) == arrays.instance.run(task: index, input: input))
        }
        #expect(inPlace.largestInPlaceBytes?.input == 300 && inPlace.largestInPlaceBytes?.result == 300)
        #expect(arrays.largestInPlaceBytes == nil)
    }

    @Test(
        "sequential, thread pools of any size and async tasks give the outcomes of the array workload",
        arguments: [1, 2, 3])
    func everyInlineMode(threads: Int) async throws {
        // The array workload's checksum covers each task's payload digest: equal checksums
        // mean equal results, wherever they were written.
        let expected = try checksumTaskByTask(try configuredEcho(["size": "1000"], tasks: 24))
        let workload = try configuredInPlaceEcho(["size": "1000"], tasks: 24)
        #expect(SequentialRunner().run(workload).tally.checksum(ofTasks: 24) == expected)
        #expect(
            ThreadPoolRunner(threads: threads, batch: .fixed(threads)).run(workload).tally.checksum(ofTasks: 24)
                == expected)
        #expect(await AsyncRunner(inFlight: threads).runOnOwnThread(workload).tally.checksum(ofTasks: 24) == expected)
    }

    @Test(
        "a body that writes past what it declared, or returns a payload, fails its task alone",
        arguments: ["overflow", "payload"])
    func brokenPromise(misuse: String) throws {
        let workload = try configuredInPlaceEcho(["size": "16", "misuse": misuse], tasks: 4)
        let message =
            misuse == "overflow"
            ? "the result takes 17 bytes, more than the 16 the workload declared (resultByteCount)"
            : "task 1 returned a payload of 1 bytes from an in-place body; write it into the result buffer instead"
        for runner in [SequentialRunner(), ThreadPoolRunner(threads: 2)] as [any TaskRunner] {
            let result = runner.run(workload)
            #expect(result.failure == .taskFailed(task: 1, message: message))
            #expect(result.tally.completed == 3)
        }
        // The bridge an array mode calls keeps the same promise.
        #expect(throws: (any Error).self) {
            try workload.instance.run(task: 1, input: workload.instance.input(forTask: 1))
        }
    }

    @Test("a result buffer hands out what is left and refuses more")
    func resultBuffer() throws {
        var storage = [UInt8](repeating: 0, count: 8)
        try storage.withUnsafeMutableBytes { raw in
            var buffer = ResultBuffer(raw)
            let head: [UInt8] = [1, 2, 3]
            try head.withUnsafeBytes { try buffer.append($0) }
            try buffer.append(byteCount: 5) { $0.initializeMemory(as: UInt8.self, repeating: 9) }
            #expect(buffer.count == 8 && buffer.remaining == 0)
            #expect(Array(buffer.written) == [1, 2, 3, 9, 9, 9, 9, 9])
            #expect(throws: InPlaceWorkloadError.resultTooLong(declared: 8, wanted: 9)) {
                try buffer.append(byteCount: 1) { _ in }
            }
        }
    }

    @Test("task-in-slot and result-in-slot frames carry their fields and nothing else")
    func slotFrames() throws {
        let task = WorkerMessage.taskInSlot(index: 5, inputBytes: 4096)
        let result = WorkerMessage.resultInSlot(
            index: 5, output: TaskOutput(checksum: 9, units: 2), resultBytes: 77, started: 10, ended: 20)
        #expect(try WorkerMessage(frame: task.frame) == task)
        #expect(try WorkerMessage(frame: result.frame) == result)
        #expect(task.frame.payload.count == 16 && result.frame.payload.count == 48)
        // A slot frame that carries bytes of its own is malformed, not a task with input.
        #expect(throws: WireFormatError.malformedPayload(.taskInSlot)) {
            try WorkerMessage(frame: Frame(kind: .taskInSlot, payload: [0] + task.frame.payload))
        }
    }
}
