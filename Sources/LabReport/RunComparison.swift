import LabCore

/// Two runs side by side: for every cell present in both, the ratio of medians and whether
/// their 95% confidence intervals overlap; cells present in only one are listed, not dropped.
public struct RunComparison: Sendable {
    /// One cell found in both runs.
    public struct Match: Sendable {
        public let baseline: CellSummary
        public let candidate: CellSummary

        /// baseline median / candidate median: above 1 means the candidate is faster.
        public var ratio: Double? {
            guard let before = baseline.wallMedian, let after = candidate.wallMedian, after > 0 else { return nil }
            return before / after
        }

        /// Whether the intervals are apart; `nil` when either run has too few repetitions.
        public var isSignificant: Bool? {
            guard let first = baseline.wallConfidence, let second = candidate.wallConfidence else { return nil }
            return !first.overlaps(second)
        }

        /// `1.42x faster`, `1.10x slower`, `no significant change`.
        public var verdict: String {
            guard let ratio else { return "failed in one run" }
            let change = ratio >= 1
                ? "\(NumberFormatting.fixed(ratio, decimals: 2))x faster" : "\(NumberFormatting.fixed(1 / ratio, decimals: 2))x slower"
            switch isSignificant {
            case true?: return change
            case false?: return "no significant change"
            case nil: return "\(change) (untested: fewer than 2 repetitions)"
            }
        }
    }

    public let matches: [Match]
    public let onlyInBaseline: [CellSummary]
    public let onlyInCandidate: [CellSummary]

    public init(baseline: [RepetitionRecord], candidate: [RepetitionRecord]) {
        let before = CellSummary.summarize(baseline)
        let after = CellSummary.summarize(candidate)
        let afterByKey = Dictionary(after.map { ($0.cellKey, $0) }) { first, _ in first }
        let beforeKeys = Set(before.map(\.cellKey))
        matches = before.compactMap { cell in afterByKey[cell.cellKey].map { Match(baseline: cell, candidate: $0) } }
        onlyInBaseline = before.filter { afterByKey[$0.cellKey] == nil }
        onlyInCandidate = after.filter { !beforeKeys.contains($0.cellKey) }
    }

    /// How `lab compare` prints a comparison.
    public enum Format: String, CaseIterable, Sendable {
        case text, markdown, csv
    }

    static let header = ["workload", "params", "tasks", "mode", "workers", "transport", "baseline_median_s", "candidate_median_s", "ratio", "verdict"]

    private func rows() -> [[String]] {
        matches.map { match in
            let cell = match.baseline
            return [
                cell.workload, cell.parameters, String(cell.tasks), cell.mode.rawValue, String(cell.workers), cell.transport?.rawValue ?? "",
                match.baseline.wallMedian.map { NumberFormatting.fixed($0, decimals: 6) } ?? "",
                match.candidate.wallMedian.map { NumberFormatting.fixed($0, decimals: 6) } ?? "",
                match.ratio.map { NumberFormatting.fixed($0, decimals: 3) } ?? "", match.verdict,
            ]
        }
    }

    private func unmatched() -> [String] {
        onlyInBaseline.map { "only in the baseline: \($0.workload) \($0.label) (\($0.parameters), \($0.tasks) tasks)" }
            + onlyInCandidate.map { "only in the candidate: \($0.workload) \($0.label) (\($0.parameters), \($0.tasks) tasks)" }
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .csv:
            // Unmatched cells are rows too, with the side they come from in the verdict.
            func unmatchedRow(_ cell: CellSummary, _ side: String) -> [String] {
                [cell.workload, cell.parameters, String(cell.tasks), cell.mode.rawValue, String(cell.workers), cell.transport?.rawValue ?? "", "", "", "", side]
            }
            let extra = onlyInBaseline.map { unmatchedRow($0, "only in baseline") } + onlyInCandidate.map { unmatchedRow($0, "only in candidate") }
            return CSV.record(RunComparison.header) + (rows() + extra).map(CSV.record).joined()
        case .markdown:
            var text = "| workload | mode | workers | transport | baseline | candidate | ratio | verdict |\n|---|---|---|---|---|---|---|---|\n"
            for match in matches {
                let cell = match.baseline
                text += "| \(cell.workload) | \(cell.mode.rawValue) | \(cell.workers) | \(cell.transport?.rawValue ?? "") | \(match.baseline.wallMedian.map(NumberFormatting.duration) ?? "failed") | "
                text += "\(match.candidate.wallMedian.map(NumberFormatting.duration) ?? "failed") | \(match.ratio.map { NumberFormatting.fixed($0, decimals: 2) } ?? "-") | \(match.verdict) |\n"
            }
            let notes = unmatched()
            return text + (notes.isEmpty ? "" : "\n" + notes.map { "- \($0)\n" }.joined())
        case .text:
            var lines: [String] = []
            let width = max(28, matches.map { "\($0.baseline.workload) \($0.baseline.label)".count }.max() ?? 0)
            for match in matches {
                let cell = match.baseline
                let label = "\(cell.workload) \(cell.label)".padded(to: width)
                let before = (match.baseline.wallMedian.map(NumberFormatting.duration) ?? "failed").padded(to: 10)
                let after = (match.candidate.wallMedian.map(NumberFormatting.duration) ?? "failed").padded(to: 10)
                lines.append("\(label) \(before) -> \(after) \(match.verdict)")
            }
            return (lines + unmatched()).map { $0 + "\n" }.joined()
        }
    }
}
