import Foundation
import LabCore

/// The run's output folder: created only after every input was validated, and created whole
/// (missing parents included) or not at all.
enum OutputFolder {
    /// A sortable run ID from the current UTC time: `20261125T121659Z`.
    static func timestampRunID() -> String {
        UTCTime().compact
    }

    /// Creates the folder the user asked for with `--out`, or `Results/<run-id>` when none.
    /// - Returns: the folder's path and the run ID (the current time either way).
    static func create(requested: String?) throws(UsageError) -> (path: String, runID: String) {
        guard let requested else { return try createDefault() }
        try create(requested)
        return (requested, timestampRunID())
    }

    /// Creates `Results/<run-id>` under `base`; a run ID already taken gets `-2`, `-3`, ...
    /// - Returns: the folder's path and the run ID.
    static func createDefault(base: String = "Results") throws(UsageError) -> (path: String, runID: String) {
        let stem = timestampRunID()
        for attempt in 1...100 {
            let runID = attempt == 1 ? stem : "\(stem)-\(attempt)"
            let path = base + "/" + runID
            if FileManager.default.fileExists(atPath: path) { continue }
            try create(path)
            return (path, runID)
        }
        throw .other("cannot find a free run ID under '\(base)'; remove old runs")
    }

    /// The folder that holds `path`, or `nil` for a single relative name (whose parent is the
    /// current folder, which exists). Plain string work: NSString's path methods trap on
    /// some short paths on Linux (`"a"` crashed `deletingLastPathComponent`).
    static func parent(of path: String) -> String? {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return nil }
        if slash == trimmed.startIndex { return "/" }
        var parent = trimmed[..<slash]
        while parent.count > 1, parent.hasSuffix("/") { parent = parent.dropLast() }
        return String(parent)
    }

    /// Creates `path` and any missing parents; on failure removes what it created.
    /// - Throws: ``UsageError/outputExists(path:)`` when `path` exists already (as anything),
    ///   ``UsageError/outputNotCreatable(path:reason:)`` when it cannot be made.
    static func create(_ path: String) throws(UsageError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            throw .outputExists(path: path)
        }
        var missing: [String] = []
        var current: String? = path
        while let folder = current, !FileManager.default.fileExists(atPath: folder) {
            missing.append(folder)
            current = parent(of: folder)
        }
        var created: [String] = []
        for directory in missing.reversed() {
            do {
                try Platform.makeDirectory(atPath: directory)
                created.append(directory)
            } catch  where error.errno == EEXIST && directory != missing.first {
                // A parent spelled with '..' may exist after all; only the run folder must be new.
                continue
            } catch {
                for made in created.reversed() { Platform.removeDirectory(atPath: made) }
                throw .outputNotCreatable(path: path, reason: error.reason)
            }
        }
    }
}
