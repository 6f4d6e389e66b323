import LabCore

/// Appends each measured repetition's timeline to tasks.csv and lanes.csv as the run goes.
package final class TimelineFilesWriter: Sendable {
    private let tasks: SealableCSVFile
    private let lanes: SealableCSVFile

    package init(folder: String) throws(SystemError) {
        tasks = try SealableCSVFile(path: folder + "/" + TimelineFiles.tasksName, header: TimelineFiles.tasksHeader)
        lanes = try SealableCSVFile(path: folder + "/" + TimelineFiles.lanesName, header: TimelineFiles.lanesHeader)
    }

    /// Appends to the files of a run that resumes: first they keep only the rows of the
    /// repetitions in `kept` (see ``TimelineFiles/keepOnly(_:folder:)``).
    /// - Throws: ``RunFolderError`` when a file does not read or cannot be rewritten.
    package init(resuming folder: String, kept: Set<RepetitionKey>) throws {
        let lengths = try TimelineFiles.keepOnly(kept, folder: folder)
        tasks = try SealableCSVFile(appendingTo: folder + "/" + TimelineFiles.tasksName, wholeLength: lengths.tasks)
        lanes = try SealableCSVFile(appendingTo: folder + "/" + TimelineFiles.lanesName, wholeLength: lengths.lanes)
    }

    /// Writes the rows of one repetition (nothing once sealed).
    package func append(_ timeline: RepetitionTimeline, of record: RepetitionRecord) throws(SystemError) {
        let rows = TimelineFiles.rows(of: RecordedTimeline(timeline), record: record)
        try tasks.append(rows.tasks)
        try lanes.append(rows.lanes)
    }

    /// Flushes both files' rows to the device.
    package func synchronize() throws(SystemError) {
        try tasks.synchronize()
        try lanes.synchronize()
    }

    /// No row is written after this: an interrupted run's files end with whole rows, and its
    /// reports read only the repetitions that results.csv has.
    package func seal() {
        tasks.seal()
        lanes.seal()
    }
}
