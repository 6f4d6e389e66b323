import Foundation
import LabCore

/// A lab binary run to its end as a child command, its output and errors kept in files (a
/// full pipe cannot stall it): what `lab ab` and `lab sensitivity` do with each binary's `run`,
/// and `lab refresh-docs` with each sample's command.
enum ChildRun {
    /// Runs `binary` with `arguments` (in `directory`, or here); its status, output and errors.
    static func run(
        _ binary: String, _ arguments: [String], in directory: String? = nil
    ) throws -> (status: Int32, output: String, error: String) {
        let files = NSTemporaryDirectory() + "lab-child-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: files + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: files + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: files + ".out")
            try? FileManager.default.removeItem(atPath: files + ".err")
        }
        let process = Platform.Subprocess(
            binary, arguments: arguments, directory: directory, input: FileHandle.nullDevice,
            output: try FileHandle(forWritingTo: URL(fileURLWithPath: files + ".out")),
            error: try FileHandle(forWritingTo: URL(fileURLWithPath: files + ".err")))
        try process.run()
        let status = process.wait()
        return (
            status, (try? String(contentsOfFile: files + ".out", encoding: .utf8)) ?? "",
            (try? String(contentsOfFile: files + ".err", encoding: .utf8)) ?? ""
        )
    }

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// Has `binary` check `lab run` options with `--dry-run`: its refusal is this lab's bad
    /// input, its one line without its program's name (this lab prints its own).
    static func checkRunOptions(_ options: [String], with binary: String) throws {
        let check = try run(binary, ["run"] + options + ["--repetitions", "2", "--dry-run"])
        if check.status == 2 {
            let line = check.error.split(separator: "\n").last.map(String.init) ?? "\(binary) refused the run options"
            throw UsageError.other(
                line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? line)
        }
        if check.status != 0 {
            throw Failed(description: "\(binary) run --dry-run exited \(check.status): \(check.error)")
        }
    }
}
