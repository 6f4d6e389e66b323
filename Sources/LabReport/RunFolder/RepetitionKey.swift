import LabCore

/// A cell's repetition: what a timeline belongs to.
package struct RepetitionKey: Hashable, Sendable {
    package var cellKey: String
    package var repetition: Int

    package init(cellKey: String, repetition: Int) {
        self.cellKey = cellKey
        self.repetition = repetition
    }

    package init(_ record: RepetitionRecord) {
        self.init(
            cellKey: record.cellKey, repetition: record.repetition)
    }

    /// The key that a record of `cell`'s repetition `repetition` will have.
    package init(_ cell: Cell, repetition: Int) {
        self.init(
            cellKey: RepetitionRecord.cellKey(
                workload: cell.workload.name, parameters: cell.workload.parameters.canonicalText,
                tasks: cell.workload.taskCount,
                mode: cell.mode, workers: cell.workers, transport: cell.transport, dataset: cell.dataset,
                start: cell.start),
            repetition: repetition)
    }
}
