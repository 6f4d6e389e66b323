import LabCore

/// What the fuzzer (`Scripts/fuzz.sh`) and the replay of its corpus (`swift test`) run on each
/// input: a run folder made of the input's bytes, read and turned into everything the lab makes
/// from a folder, all in memory. An input is the folder's data files one after another, each
/// ended by a NUL byte: `results.csv`, `run.json`, `tasks.csv`, `lanes.csv` (missing ones are
/// empty; with no third part the folder has no timelines). A clear error is the right answer to
/// most inputs; a trap, a hang or a write is a bug.
package enum FolderFuzzing {
    /// The input's bytes as a folder's texts.
    package static func texts(_ bytes: [UInt8]) -> FolderTexts {
        let parts = bytes.split(separator: 0, maxSplits: 3, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        func part(_ index: Int) -> String? { index < parts.count ? parts[index] : nil }
        return FolderTexts(
            results: part(0) ?? "", description: part(1) ?? "", tasks: part(2),
            lanes: part(2) == nil ? nil : part(3) ?? "")
    }

    /// The input as a folder's bytes: the inverse of ``texts(_:)``, to make a seed of a real folder.
    package static func input(_ texts: FolderTexts) -> [UInt8] {
        var bytes = Array(texts.results.utf8) + [0] + Array(texts.description.utf8)
        if let tasks = texts.tasks { bytes += [0] + Array(tasks.utf8) + [0] + Array((texts.lanes ?? "").utf8) }
        return bytes
    }

    /// Runs one input through every reader and view.
    /// - Returns: the error the lab would print, or `nil` when the folder read; either is fine.
    @discardableResult
    package static func exercise(_ bytes: [UInt8]) -> String? {
        let texts = texts(bytes)
        let folder = RunFolder(path: "fuzzed")
        do {
            let derived = try folder.derivedFiles(from: texts)
            // The views `lab explain` and `lab compare` make of the same records.
            let records = try folder.parseResults(texts.results).records
            _ = Explanation(summaries: derived.summaries, records: records, runtime: nil, cores: 2).render(
                workload: nil)
            _ = RunComparison(baseline: records, candidate: records).render(.text)
            var leftOut: [String] = []
            if let timelines = try folder.derivedTimelines(from: texts, leftOut: &leftOut) {
                for cell in CellTimeline.medians(of: derived.summaries, records: records, timelines: timelines) {
                    _ = AsciiTimeline().render(cell)
                }
            }
            return nil
        } catch {
            return error.description
        }
    }

    /// Replays the inputs in `paths` (files, or folders of files: a corpus) one at a time.
    /// - Returns: the exit status: 0 when every input was read, 2 for a path that is none.
    package static func replay(paths: [String]) -> Int32 {
        var files: [String] = []
        for path in paths {
            if let names = try? Platform.directoryEntries(path) {
                files += names.sorted().map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        for file in files {
            guard let descriptor = try? Platform.openUntrustedForReading(file),
                let bytes = (try? Platform.readAll(descriptor, limit: RunFolder.fileSizeLimit)) ?? nil
            else {
                print("\(file.shownOnTerminal): cannot read it")
                return 2
            }
            Platform.close(descriptor)
            print("\(file.shownOnTerminal): \((exercise(bytes) ?? "read").shownOnTerminal)")
        }
        return 0
    }

    /// A seed for the fuzzer from a real run folder: its data files, each cut to its header and
    /// first `rows` lines (so that a seed stays small), as one input.
    package static func pack(folder: String, rows: Int) throws(RunFolderError) -> [UInt8] {
        func cut(_ text: String) -> String {
            // By bytes: a CRLF is one Character to Swift, and would not split on "\n".
            let lines = Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            guard lines.count > rows + 1 else { return text }
            return String(
                decoding: lines.prefix(rows + 1).joined(separator: [UInt8(ascii: "\n")]) + [UInt8(ascii: "\n")],
                as: UTF8.self)
        }
        let read = { (name: String) throws(RunFolderError) -> String? in
            try RunFolder.readIfPresent(folder + "/" + name)
        }
        guard let results = try read(RunFolder.resultsName), let description = try read(RunFolder.descriptionName)
        else {
            throw .unreadable(path: folder + "/" + RunFolder.resultsName)
        }
        let tasks = try read(TimelineFiles.tasksName)
        let lanes = try read(TimelineFiles.lanesName)
        return input(
            FolderTexts(
                results: cut(results), description: description, tasks: tasks.map(cut),
                lanes: tasks == nil ? nil : cut(lanes ?? "")))
    }
}
