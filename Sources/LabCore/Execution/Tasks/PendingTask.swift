/// A claimed task and its input, waiting to be performed.
package struct PendingTask: Sendable {
    package let index: Int
    /// The input as an array; empty for an ``InPlaceWorkload``'s task, whose performer writes
    /// the input where the body reads it.
    package let input: [UInt8]
    /// The bytes of the input, wherever it is written.
    package let inputBytes: Int

    package init(index: Int, input: [UInt8]) {
        self.index = index
        self.input = input
        inputBytes = input.count
    }

    package init(index: Int, inputWrittenInPlace bytes: Int) {
        self.index = index
        input = []
        inputBytes = bytes
    }
}

/// What a performer hands the driver for each task: its outcome (the result digested where it
/// arrived), or why it failed.
package typealias TaskDelivery = (_ task: PendingTask, _ result: Result<TaskOutcome, ExecutionError>) -> Void
