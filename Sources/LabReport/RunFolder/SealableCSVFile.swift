import LabCore
import Synchronization

/// A new CSV file that takes whole rows until it is sealed. Appends hold the lock while they
/// write; ``seal()`` takes it and ends all appends, so an interrupt can read the file knowing
/// that no row is half-written. A write that fails partway (a full disk) is taken back to the
/// last whole row, and the file seals itself: it never ends in half a row. Every write goes to
/// the file's end (`O_APPEND`), and ``synchronize()`` flushes the rows to the device.
final class SealableCSVFile: Sendable {
    private let descriptor: Int32
    /// Whether appends are over, and how many bytes of whole rows the file holds.
    private let state: Mutex<(sealed: Bool, length: Int)>

    /// Creates the file (it must not exist yet) and writes the header.
    init(path: String, header: [String]) throws(SystemError) {
        descriptor = try Platform.createFile(atPath: path, appending: true)
        let bytes = Array(CSV.record(header).utf8)
        do {
            try Platform.writeAll(descriptor, bytes)
        } catch {
            Platform.close(descriptor)
            Platform.removeFile(atPath: path)
            throw error
        }
        state = Mutex((false, bytes.count))
    }

    /// Opens an existing file to append to it after its first `wholeLength` bytes (its whole
    /// rows, as ``CSV/Table/wholeLength`` counts them); a torn record past them is cut off.
    init(appendingTo path: String, wholeLength: Int) throws(SystemError) {
        descriptor = try Platform.openForAppending(atPath: path)
        do {
            try Platform.truncate(descriptor, toLength: wholeLength)
        } catch {
            Platform.close(descriptor)
            throw error
        }
        state = Mutex((false, wholeLength))
    }

    /// Appends `rows` (whole CSV records) in one write; after ``seal()`` it does nothing.
    /// - Throws: the write's ``SystemError``, after cutting the file back to its last whole row.
    func append(_ rows: String) throws(SystemError) {
        let bytes = Array(rows.utf8)
        let result = state.withLock { state -> Result<Void, SystemError> in
            guard !state.sealed else { return .success(()) }
            do throws(SystemError) {
                try Platform.writeAll(descriptor, bytes)
                state.length += bytes.count
                return .success(())
            } catch {
                // Part of the rows may be on disk: take them back, and take no more.
                state.sealed = true
                try? Platform.truncate(descriptor, toLength: state.length)
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Flushes the rows written so far to the device (after an append in progress).
    func synchronize() throws(SystemError) {
        let result = state.withLock { _ in Result { () throws(SystemError) in try Platform.synchronize(descriptor) } }
        try result.get()
    }

    /// Waits for an append in progress, then refuses all later ones, and flushes the rows to
    /// the device (a failure to flush is the next reader's to find: the rows are whole).
    func seal() {
        state.withLock { state in
            state.sealed = true
            try? Platform.synchronize(descriptor)
        }
    }

    deinit {
        Platform.close(descriptor)
    }
}
