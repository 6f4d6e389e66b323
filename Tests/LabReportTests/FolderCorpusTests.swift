import Foundation
import LabCore
import Testing

@testable import LabReport

/// Replays the fuzzer's corpus (`Tests/FolderCorpus`, made and grown by `Scripts/fuzz.sh`): each
/// file is a run folder in the fuzzer's input format. A trap in any of them stops this test
/// run, which is the failure that matters; besides, the seeds (real folders of every version)
/// must read, the crafted folders (the reproductions of hostile folders) must be refused, and
/// every refusal is one line.
@Suite struct FolderCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FolderCorpus").path

    static func inputs(_ prefix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: corpus).filter { $0.hasPrefix(prefix) }.sorted()
    }

    static func answer(_ name: String) throws -> String? {
        FolderFuzzing.exercise(Array(try Data(contentsOf: URL(fileURLWithPath: corpus + "/" + name))))
    }

    @Test(
        "real folders of every version (0.2.0, 0.4.0, 0.5.0, 0.7.0 with failures, transports, datasets and a resumption, the Python peer) read"
    )
    func seedsRead() throws {
        let seeds = try FolderCorpusTests.inputs("seed-")
        #expect(seeds.count >= 7)
        for seed in seeds {
            #expect(try FolderCorpusTests.answer(seed) == nil, "\(seed)")
        }
    }

    @Test("each crafted folder is refused in one line that names what is wrong")
    func craftedAreRefused() throws {
        let expected = [
            "crafted-first-task-past-tasks": "invalid first_task '99999'",
            "crafted-lane-int-max": "invalid lane '9223372036854775807'",
            "crafted-negative-task-count": "invalid task_count '-3'",
            "crafted-run-json-bad-plan": "workload name '../x' breaks the rule",
            "crafted-tasks-int-max": "invalid tasks '9223372036854775807'",
            "crafted-unterminated-quote-50000-lines": "unterminated quoted field starting on line 1",
            "crafted-wall-nan": "invalid wall_s 'nan'",
            "crafted-workload-name-path": "workload name 'x/../../../../elsewhere/pwned' breaks the rule",
        ]
        #expect(try FolderCorpusTests.inputs("crafted-") == expected.keys.sorted())
        for (name, words) in expected {
            let answer = try #require(try FolderCorpusTests.answer(name), "\(name) was read")
            #expect(answer.contains(words), "\(name): \(answer)")
            #expect(!answer.contains("\n"))
        }
    }

    @Test("every other input the fuzzer kept (crash-, timeout-, oom-) is answered, in one line if refused")
    func findsAreAnswered() throws {
        let all = try FileManager.default.contentsOfDirectory(atPath: FolderCorpusTests.corpus)
        for name in all where !name.hasPrefix("seed-") && !name.hasPrefix("crafted-") {
            #expect(try FolderCorpusTests.answer(name)?.contains("\n") != true, "\(name)")
        }
    }
}
