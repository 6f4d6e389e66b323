import LabCore
import Testing

/// What `lab run` says when checksums disagree: one line per workload setting, however many
/// cells and repetitions disagree.
@Suite struct ChecksumDiagnosisTests {
    func record(_ mode: ExecutionMode, repetition: Int, checksum: UInt64, workload: String = "sets") -> RepetitionRecord
    {
        RepetitionRecord(
            runID: "r", workload: workload, kind: .cpu, parameters: "n=1", mode: mode,
            workers: mode == .sequential ? 1 : 2, tasks: 8,
            repetition: repetition, wallSeconds: 1, startupSeconds: 0, tasksPerSecond: 0, checksum: checksum,
            status: .ok, error: nil)
    }

    @Test("a workload whose sequential repetitions disagree gets one line that says it is unsteady in one process")
    func unsteady() {
        // A Set folded in iteration order: every repetition another answer, in every mode.
        var records: [RepetitionRecord] = []
        var checksum: UInt64 = 1
        for repetition in 1...2 {
            for mode in ExecutionMode.allCases {
                records.append(record(mode, repetition: repetition, checksum: checksum))
                checksum += 1
            }
        }
        let lines = ChecksumProof.diagnoses(in: records)
        #expect(ChecksumProof.mismatches(in: records).count == 7)
        #expect(lines.count == 1, "\(lines)")
        #expect(
            lines.first?.hasPrefix(
                "checksum of sets n=1 tasks=8 differs between two sequential repetitions in one process (repetition 1 gave 0000000000000001, repetition 2 gave 0000000000000005)"
            ) == true, "\(lines)")
        #expect(lines.first?.contains("even within one process") == true)
    }

    @Test(
        "modes that disagree with a steady sequential cell are named in one line per setting, with how many repetitions"
    )
    func modes() {
        let records = [
            record(.sequential, repetition: 1, checksum: 9), record(.threads, repetition: 1, checksum: 9),
            record(.processes, repetition: 1, checksum: 4),
            record(.async, repetition: 1, checksum: 9), record(.sequential, repetition: 2, checksum: 9),
            record(.threads, repetition: 2, checksum: 9),
            record(.processes, repetition: 2, checksum: 5), record(.async, repetition: 2, checksum: 6),
            record(.sequential, repetition: 1, checksum: 3, workload: "fine"),
            record(.threads, repetition: 1, checksum: 3, workload: "fine"),
        ]
        let lines = ChecksumProof.diagnoses(in: records)
        #expect(
            lines == [
                "checksum mismatch for sets n=1 tasks=8: sequential repetition 1 gave 0000000000000009, and processes x2 (2 of 2 repetitions), "
                    + "async x2 (1 of 2 repetitions) gave another; the modes did not do the same work, so no speedup is reported for those cells. "
                    + ChecksumProof.Mismatch.likelyCauses
            ])
        #expect(ChecksumProof.diagnoses(in: Array(records.suffix(2))).isEmpty)
    }
}
