import LabCore

/// Two runs side by side: for every cell present in both, the ratio of medians and whether
/// their 95% confidence intervals overlap; cells present in only one are listed, not dropped.
package struct RunComparison: Sendable {
    /// One cell found in both runs.
    package struct Match: Sendable {
        package let baseline: CellSummary
        package let candidate: CellSummary
        /// The wall times of the successful repetitions on each side, for the rank test.
        package let baselineWalls: [Double]
        package let candidateWalls: [Double]

        /// baseline median / candidate median: above 1 means the candidate is faster.
        package var ratio: Double? {
            guard let before = baseline.wallMedian, let after = candidate.wallMedian, after > 0 else { return nil }
            return before / after
        }

        /// Whether the intervals are apart; `nil` when either run has too few repetitions.
        package var isSignificant: Bool? {
            guard let first = baseline.wallConfidence, let second = candidate.wallConfidence else { return nil }
            return !first.overlaps(second)
        }

        /// The cell as the side that names a variant labels it: a Python peer's
        /// `processes x2 (spawn)` against the lab's `processes x2`.
        package var shown: CellSummary { baseline.variant == nil && candidate.variant != nil ? candidate : baseline }

        /// Repetitions of the cell, on both sides, that the rest of the machine disturbed.
        package var disturbedRepetitions: Int {
            (baseline.counters.disturbed ?? 0) + (candidate.counters.disturbed ?? 0)
        }

        /// What the verdict adds for a disturbed cell: ` (disturbed: 2 of 5 repetitions in the candidate)`.
        var disturbanceNote: String {
            let sides = [("baseline", baseline), ("candidate", candidate)].compactMap { side, cell -> String? in
                guard let count = cell.counters.disturbed, count > 0 else { return nil }
                return "\(count) of \(cell.succeeded) repetitions in the \(side)"
            }
            return sides.isEmpty ? "" : " (disturbed: " + sides.joined(separator: ", ") + ")"
        }

        /// What a comparison can say of a cell: the same, slower, faster, or that it cannot
        /// tell, when the medians moved beyond the threshold but the repetitions do not show
        /// it apart from noise, or when a side's repetitions fall in two places.
        package enum Answer: String, Sendable {
            case same, slower, faster
            case cannotTell = "cannot tell"
            /// Fewer than 2 repetitions on a side, or a side without a median.
            case untested
        }

        /// The candidate's repetitions when they fall in two places
        /// (``Statistics/bimodalSplit(_:step:)``), as the two groups. Only the candidate's: a
        /// baseline pooled from several runs spreads over the places the machine has been in,
        /// which is what pooling is for.
        package var bimodal: (low: [Double], high: [Double])? {
            Statistics.bimodalSplit(candidateWalls)
        }

        /// How the medians moved: candidate over baseline, above 1 slower.
        package var change: Double? { ratio.map { 1 / $0 } }

        /// The answer for a threshold (0.05: medians 5% apart). A cell whose median moved by
        /// more than it is never "the same": its intervals apart make it slower or faster,
        /// overlapping ones make it "cannot tell". The candidate's repetitions in two groups
        /// make it "cannot tell" whatever the medians say.
        package func answer(threshold: Double) -> Answer {
            guard let ratio, let change else { return .untested }
            if bimodal != nil { return .cannotTell }
            switch isSignificant {
            case true?: return ratio >= 1 ? .faster : .slower
            case false?: return max(change, 1 / change) - 1 > threshold ? .cannotTell : .same
            case nil: return .untested
            }
        }

        /// About how many repetitions a side would set the two intervals apart, for a cell
        /// that cannot tell: each interval narrows as one over the root of its repetitions.
        package var repetitionsToTell: Int? {
            let (before, after) = (baseline, candidate)
            guard let first = before.wallConfidence, let second = after.wallConfidence,
                let meanBefore = before.wallMean,
                let meanAfter = after.wallMean
            else { return nil }
            let gap = abs(meanAfter - meanBefore)
            guard gap > 0 else { return nil }
            let spread =
                (first.upperBound - first.lowerBound) / 2 * Double(before.succeeded).squareRoot()
                + (second.upperBound - second.lowerBound) / 2 * Double(after.succeeded).squareRoot()
            let needed = (spread / gap) * (spread / gap)
            guard needed.isFinite else { return nil }
            return min(max(Int(needed.rounded(.up)), max(before.succeeded, after.succeeded) + 1), 10_000)
        }

        /// `1.42x faster`, `1.10x slower`, `no significant change`, or `cannot tell: ...` with
        /// why and what would tell, for medians moved by more than `threshold`; a disturbed
        /// cell says so.
        package func verdict(threshold: Double) -> String { plainVerdict(threshold: threshold) + disturbanceNote }

        /// The verdict at the plain comparison's threshold, ``RunComparison/noticeable``.
        package var verdict: String { verdict(threshold: RunComparison.noticeable) }

        private func plainVerdict(threshold: Double) -> String {
            guard let ratio else {
                let unavailable = baseline.unavailableReason != nil || candidate.unavailableReason != nil
                return unavailable ? "unavailable in one run" : "failed in one run"
            }
            let change =
                ratio >= 1
                ? "\(NumberFormatting.fixed(ratio, decimals: 2))x faster"
                : "\(NumberFormatting.fixed(1 / ratio, decimals: 2))x slower"
            switch answer(threshold: threshold) {
            case .faster, .slower: return change
            case .same: return "no significant change"
            case .untested: return "\(change) (untested: fewer than 2 repetitions)"
            case .cannotTell:
                if let (low, high) = bimodal {
                    let more = 2 * max(baseline.succeeded, candidate.succeeded)
                    return
                        "cannot tell: medians \(change), but the candidate's repetitions fall in two places "
                        + "(\(low.count) near "
                        + "\(NumberFormatting.duration(Statistics.median(low) ?? 0)), \(high.count) near "
                        + "\(NumberFormatting.duration(Statistics.median(high) ?? 0))); "
                        + "run both again on a quiet machine, with \(more) repetitions or more"
                }
                let needed =
                    repetitionsToTell.map { "about \($0) repetitions a side would tell" }
                    ?? "more repetitions would tell"
                return "cannot tell: medians \(change), but the intervals overlap; \(needed)"
            }
        }
    }

    /// How far apart two medians must be before a plain comparison (no `--fail-if-slower`)
    /// will not call them the same: 5%.
    package static let noticeable = 0.05

    package let matches: [Match]
    package let onlyInBaseline: [CellSummary]
    package let onlyInCandidate: [CellSummary]

    /// Cells match by ``CellSummary/cellKey``. A cell with a variant (a peer's start method)
    /// that the other run lacks matches the other run's cell without one, so that each of
    /// Python's `processes x2 (fork)`, `(forkserver)` and `(spawn)` is set against the lab's
    /// `processes x2`.
    package init(baseline: [RepetitionRecord], candidate: [RepetitionRecord]) {
        self.init(baseline: baseline, summarized: CellSummary.summarize(baseline), candidate: candidate)
    }

    /// The same, with the baseline's cells already summarized (``CellSummary/summarize(_:)``
    /// of `baseline`): the gate's sensitivity sets one baseline against many candidates.
    package init(baseline: [RepetitionRecord], summarized before: [CellSummary], candidate: [RepetitionRecord]) {
        let after = CellSummary.summarize(candidate)
        func byKey(_ cells: [CellSummary]) -> [String: CellSummary] {
            Dictionary(cells.map { ($0.cellKey, $0) }) { first, _ in first }
        }
        let (beforeByKey, afterByKey) = (byKey(before), byKey(after))
        func walls(_ records: [RepetitionRecord]) -> [String: [Double]] {
            Dictionary(grouping: records.filter { $0.status == .ok }, by: \.cellKey).mapValues { $0.map(\.wallSeconds) }
        }
        let (wallsBefore, wallsAfter) = (walls(baseline), walls(candidate))
        func match(_ first: CellSummary, _ second: CellSummary) -> Match {
            Match(
                baseline: first, candidate: second, baselineWalls: wallsBefore[first.cellKey] ?? [],
                candidateWalls: wallsAfter[second.cellKey] ?? [])
        }
        // The other side's cell for a cell: the same key, or the same key without its variant.
        func counterpart(_ cell: CellSummary, in cells: [String: CellSummary]) -> CellSummary? {
            if let same = cells[cell.cellKey] { return same }
            // A key without a variant part is a cell without a variant.
            return cell.variant == nil ? nil : cells[cell.keyWithoutVariant]
        }
        var found: [Match] = []
        var baselineLeft: [CellSummary] = []
        for cell in before {
            if let other = counterpart(cell, in: afterByKey) {
                found.append(match(cell, other))
            } else {
                baselineLeft.append(cell)
            }
        }
        var candidateLeft: [CellSummary] = []
        let matchedCandidates = Set(found.map(\.candidate.cellKey))
        for cell in after where !matchedCandidates.contains(cell.cellKey) {
            // Its own key is not in the baseline (it would have matched): only its plain cell can be.
            if let other = counterpart(cell, in: beforeByKey) {
                found.append(match(other, cell))
            } else {
                candidateLeft.append(cell)
            }
        }
        matches = found
        onlyInBaseline = baselineLeft
        onlyInCandidate = candidateLeft
    }

    /// How `lab compare` prints a comparison.
    package enum Format: String, CaseIterable, Sendable {
        case text, markdown, csv
        /// For scripts: `lab compare` builds it from ``csvText`` and the gate.
        case json
    }

    /// The CSV's rows, unmatched cells included, as `--format csv` prints them.
    package var csvText: String { render(.csv) }

    static let header = [
        "workload", "params", "tasks", "mode", "workers", "transport", "variant", "baseline_median_s",
        "candidate_median_s", "ratio", "verdict",
    ]

    private func rows() -> [[String]] {
        matches.map { match in
            let cell = match.shown
            return [
                cell.workload, cell.parameters, String(cell.tasks), cell.mode.rawValue, String(cell.workers),
                cell.transport?.rawValue ?? "",
                cell.variant ?? "",
                match.baseline.wallMedian.map { NumberFormatting.fixed($0, decimals: 6) } ?? "",
                match.candidate.wallMedian.map { NumberFormatting.fixed($0, decimals: 6) } ?? "",
                match.ratio.map { NumberFormatting.fixed($0, decimals: 3) } ?? "", verdict(match),
            ]
        }
    }

    private func unmatched() -> [String] {
        onlyInBaseline.map { "only in the baseline: \($0.workload) \($0.label) (\($0.parameters), \($0.tasks) tasks)" }
            + onlyInCandidate.map {
                "only in the candidate: \($0.workload) \($0.label) (\($0.parameters), \($0.tasks) tasks)"
            }
    }

    /// A cell's verdict as this comparison shows it: at the gate's threshold when there is a
    /// gate, and "slower" for a cell the gate found slower (its rank test may see what the
    /// 95% intervals alone do not).
    private func verdict(_ match: Match) -> String {
        guard let gate else { return match.verdict }
        if gate.slower.contains(match.candidate.cellKey), let change = match.change {
            return "\(NumberFormatting.fixed(change, decimals: 2))x slower (the gate)" + match.disturbanceNote
        }
        return match.verdict(threshold: gate.percent / 100)
    }

    /// The gate's threshold and the cells it found slower, for the verdicts; `nil` without one.
    package var gate: (percent: Double, slower: Set<String>)?

    package func render(_ format: Format) -> String {
        switch format {
        case .csv, .json:
            // Unmatched cells are rows too, with the side they come from in the verdict.
            func unmatchedRow(_ cell: CellSummary, _ side: String) -> [String] {
                [
                    cell.workload, cell.parameters, String(cell.tasks), cell.mode.rawValue, String(cell.workers),
                    cell.transport?.rawValue ?? "",
                    cell.variant ?? "", "", "", "", side,
                ]
            }
            let extra =
                onlyInBaseline.map { unmatchedRow($0, "only in baseline") }
                + onlyInCandidate.map { unmatchedRow($0, "only in candidate") }
            return CSV.record(RunComparison.header) + (rows() + extra).map(CSV.record).joined()
        case .markdown:
            var text =
                "| workload | mode | workers | transport | baseline | candidate | ratio | verdict "
                + "|\n|---|---|---|---|---|---|---|---|\n"
            for match in matches {
                let cell = match.shown
                // The transport has a column of its own here.
                let mode = cell.mode.rawValue + cell.mode.qualifiers(transport: nil, variant: cell.variant)
                text +=
                    "| \(cell.workload) | \(mode) | \(cell.workers) | \(cell.transport?.rawValue ?? "") | "
                    + (match.baseline.wallMedian.map(NumberFormatting.duration) ?? match.baseline.missingMedianText)
                    + " | "
                text +=
                    "\(match.candidate.wallMedian.map(NumberFormatting.duration) ?? match.candidate.missingMedianText) "
                    + "| \(match.ratio.map { NumberFormatting.fixed($0, decimals: 2) } ?? "-") | \(verdict(match)) "
                    + "|\n"
            }
            let notes = unmatched()
            return text + (notes.isEmpty ? "" : "\n" + notes.map { "- \($0)\n" }.joined())
        case .text:
            var lines: [String] = []
            let width = max(28, matches.map { "\($0.shown.workload) \($0.shown.label)".count }.max() ?? 0)
            for match in matches {
                let cell = match.shown
                let label = "\(cell.workload) \(cell.label)".padded(to: width)
                let before =
                    (match.baseline.wallMedian.map(NumberFormatting.duration) ?? match.baseline.missingMedianText)
                    .padded(to: 10)
                let after =
                    (match.candidate.wallMedian.map(NumberFormatting.duration) ?? match.candidate.missingMedianText)
                    .padded(to: 10)
                lines.append("\(label) \(before) -> \(after) \(verdict(match))")
            }
            return (lines + unmatched()).map { $0 + "\n" }.joined()
        }
    }
}
