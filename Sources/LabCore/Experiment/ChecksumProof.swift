/// The lab's proof that every mode did the same work: within one workload, parameter set and
/// task count, every successful repetition of every cell must have the same checksum. A cell
/// that disagrees gets no speedup, and the command that measured it ends with status 1.
package enum ChecksumProof {
    /// Two repetitions of one workload setting whose checksums differ.
    package struct Mismatch: Error, ExitStatusCarrying, CustomStringConvertible, Equatable, Sendable {
        /// `fault action=diverge;... tasks=8`.
        package var setting: String
        /// The first repetition seen: its cell (`sequential`), repetition and checksum.
        package var expectedCell: String
        package var expectedRepetition: Int
        package var expectedChecksum: UInt64
        /// A repetition that disagrees with it (`processes x2`).
        package var foundCell: String
        package var foundRepetition: Int
        package var foundChecksum: UInt64

        package var exitStatus: ExitStatus { .failure }

        /// What makes a workload's checksum differ between modes, most often.
        package static let likelyCauses =
            "Likely causes: a Set or Dictionary folded in iteration order or through hash values (Swift seeds hashing "
            + "per process, so every worker differs), a floating-point sum taken in another order, or time, randomness or "
            + "global state in the task's body (see the checksum rules in Workloads/README.md)"

        package var description: String {
            "checksum mismatch for \(setting): \(expectedCell) repetition \(expectedRepetition) gave \(Checksum.hex(expectedChecksum)), "
                + "\(foundCell) repetition \(foundRepetition) gave \(Checksum.hex(foundChecksum)); the modes did not do the same work, so no speedup is reported for \(foundCell). "
                + Mismatch.likelyCauses
        }
    }

    /// The key of a workload setting, within which every checksum must agree:
    /// `fault action=diverge;... tasks=8`.
    package static func setting(workload: String, parameters: String, tasks: Int) -> String {
        "\(workload) \(parameters) tasks=\(tasks)"
    }

    /// Every repetition whose checksum differs from the first successful one of its setting.
    package static func mismatches(in records: [RepetitionRecord]) -> [Mismatch] {
        var first: [String: (record: RepetitionRecord, checksum: UInt64)] = [:]
        var problems: [Mismatch] = []
        for record in records where record.status == .ok {
            guard let checksum = record.checksum else { continue }
            let setting = setting(workload: record.workload, parameters: record.parameters, tasks: record.tasks)
            guard let (expected, expectedChecksum) = first[setting] else {
                first[setting] = (record, checksum)
                continue
            }
            if expectedChecksum != checksum {
                problems.append(
                    Mismatch(
                        setting: setting, expectedCell: expected.cellLabel, expectedRepetition: expected.repetition,
                        expectedChecksum: expectedChecksum, foundCell: record.cellLabel,
                        foundRepetition: record.repetition, foundChecksum: checksum))
            }
        }
        return problems
    }

    /// Throws the first mismatch in `records`, if there is one.
    package static func check(_ records: [RepetitionRecord]) throws(Mismatch) {
        if let mismatch = mismatches(in: records).first { throw mismatch }
    }
}
