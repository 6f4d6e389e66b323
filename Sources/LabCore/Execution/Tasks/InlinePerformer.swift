/// Runs the workload's body directly, in the calling thread.
package struct InlinePerformer: TaskPerformer, Sendable {
    package let workload: any Workload
    /// Where a watchdog sees this driver's running task; `nil` for none.
    package let slot: TaskWatch.Slot?
    /// Where an ``InPlaceWorkload``'s inputs and results are written, kept from task to task.
    private let buffers: TaskBuffers

    package init(workload: any Workload, slot: TaskWatch.Slot? = nil) {
        self.workload = workload
        self.slot = slot
        buffers = TaskBuffers()
    }

    package var writesInputsInPlace: Bool { workload is any InPlaceWorkload }

    package func perform(_ tasks: ArraySlice<PendingTask>, times: inout SpanTimes?, deliver: TaskDelivery) -> Int {
        // Two readings of the clock per claim, not per task: a batch of tiny tasks stays cheap.
        var started = times == nil ? 0 : Platform.monotonicNanoseconds()
        defer {
            if times != nil {
                // Every result was delivered inside the loop: the end is also their arrival.
                let ended = Platform.monotonicNanoseconds()
                times?.add(started: started, ended: ended)
                times?.received = ended
            }
        }
        let inPlace = writesInputsInPlace ? workload as? any InPlaceWorkload : nil
        for task in tasks {
            let result: Result<TaskOutcome, ExecutionError>
            if let inPlace {
                let input = buffers.input(count: task.inputBytes)
                inPlace.writeInput(forTask: task.index, into: input)
                // The first input is made before the body starts, as the other modes make it.
                if task.index == tasks.first?.index, times != nil { started = Platform.monotonicNanoseconds() }
                slot?.begin(task: task.index)
                result = Self.run(task.index, of: inPlace, input: UnsafeRawBufferPointer(input), into: buffers)
            } else {
                slot?.begin(task: task.index)
                do {
                    result = .success(
                        TaskOutcome(
                            output: try workload.run(task: task.index, input: task.input), inputBytes: task.input.count)
                    )
                } catch {
                    result = .failure(.taskFailed(task: task.index, message: "\(error)"))
                }
            }
            slot?.end()
            deliver(task, result)
        }
        return tasks.count
    }

    private static func run(
        _ index: Int, of workload: some InPlaceWorkload, input: UnsafeRawBufferPointer, into buffers: TaskBuffers
    ) -> Result<TaskOutcome, ExecutionError> {
        var result = ResultBuffer(buffers.result(count: workload.resultByteCount(forTask: index)))
        do {
            let output = try workload.runInPlace(task: index, input: input, result: &result)
            return .success(TaskOutcome(output: output, result: result.written, inputBytes: input.count))
        } catch {
            return .failure(.taskFailed(task: index, message: "\(error)"))
        }
    }
}
