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
            + "per process, so every worker differs), a floating-point sum taken in another order, or time, randomness "
            + "or "
            + "global state in the task's body (see the checksum rules in Workloads/README.md)"

        package var description: String {
            "checksum mismatch for \(setting): \(expectedCell) repetition \(expectedRepetition) gave "
                + "\(Checksum.hex(expectedChecksum)), "
                + "\(foundCell) repetition \(foundRepetition) gave \(Checksum.hex(foundChecksum)); the modes did not "
                + "do the same work, so no speedup is reported for \(foundCell). "
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

    /// One line per workload setting whose checksums disagree, for a person to read: a
    /// setting whose sequential repetitions already disagree among themselves (one process,
    /// one thread) is said to be unsteady, which no mode can fix; otherwise the line names the
    /// first checksum and every cell that disagreed with it, with how many of its repetitions.
    package static func diagnoses(in records: [RepetitionRecord]) -> [String] {
        let mismatches = mismatches(in: records)
        var settings: [String] = []
        for mismatch in mismatches where !settings.contains(mismatch.setting) { settings.append(mismatch.setting) }
        return settings.map { setting in
            let found = mismatches.filter { $0.setting == setting }
            let sequential = records.filter {
                $0.status == .ok && $0.mode == .sequential && $0.checksum != nil
                    && Self.setting(workload: $0.workload, parameters: $0.parameters, tasks: $0.tasks) == setting
            }
            if let first = sequential.first, let other = sequential.first(where: { $0.checksum != first.checksum }) {
                return
                    "checksum of \(setting) differs between two sequential repetitions in one process (repetition "
                    + "\(first.repetition) gave "
                    + "\(Checksum.hex(first.checksum!)), repetition \(other.repetition) gave "
                    + "\(Checksum.hex(other.checksum!))), so the workload gives "
                    + "another answer each time it runs, in any mode, and no speedup is reported for any of its cells. "
                    + "Likely causes: a Set or "
                    + "Dictionary folded in iteration order (Swift seeds each one's order, even within one process), "
                    + "or time, randomness or "
                    + "global state in the task's body (see the checksum rules in Workloads/README.md)"
            }
            var cells: [String] = []
            for mismatch in found where !cells.contains(mismatch.foundCell) { cells.append(mismatch.foundCell) }
            let counts = cells.map { cell in
                let disagreeing = found.filter { $0.foundCell == cell }.count
                let all = records.filter {
                    $0.status == .ok && $0.cellLabel == cell
                        && Self.setting(workload: $0.workload, parameters: $0.parameters, tasks: $0.tasks) == setting
                }.count
                return "\(cell) (\(disagreeing) of \(all) repetition\(all == 1 ? "" : "s"))"
            }
            let first = found[0]
            return
                "checksum mismatch for \(setting): \(first.expectedCell) repetition \(first.expectedRepetition) gave "
                + "\(Checksum.hex(first.expectedChecksum)), "
                + "and \(counts.joined(separator: ", ")) gave another; the modes did not do the same work, so no "
                + "speedup is reported for "
                + "\(cells.count == 1 ? "that cell" : "those cells"). " + Mismatch.likelyCauses
        }
    }

    /// Throws the first mismatch in `records`, if there is one.
    package static func check(_ records: [RepetitionRecord]) throws(Mismatch) {
        if let mismatch = mismatches(in: records).first { throw mismatch }
    }
}
