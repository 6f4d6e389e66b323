import LabCore

/// The views of `lab bench`'s figures: `bench.csv` and the table it prints.
package struct BenchReport {
    package static let fileName = "bench.csv"

    package let results: [BenchmarkResult]

    package init(results: [BenchmarkResult]) {
        self.results = results
    }

    /// `bench.csv`: a row per figure, with its goal and whether it met it.
    package var csv: String {
        let header = ["measurement", "value", "unit", "goal", "meets_goal", "detail"]
        let rows = results.map {
            [
                $0.measurement, NumberFormatting.fixed($0.value, decimals: 3), $0.unit, $0.goal?.text ?? "",
                $0.meetsGoal.map { $0 ? "yes" : "no" } ?? "", $0.detail,
            ]
        }
        return CSV.record(header) + rows.map(CSV.record).joined()
    }

    /// The table, then which goals were missed (`none` when every goal was met).
    package var text: String {
        var text = "measurement".padded(to: 40) + "value".leftPadded(to: 12) + "   goal      met\n"
        for result in results {
            // Ratios get three decimals, so that a value just under its goal does not print as the goal.
            let value = NumberFormatting.fixed(result.value, decimals: result.unit == "x" ? 3 : 2) + " " + result.unit
            let met = result.meetsGoal.map { $0 ? "yes" : "NO" } ?? ""
            let line =
                result.measurement.padded(to: 40) + value.leftPadded(to: 12) + "   "
                + (result.goal?.text ?? "").padded(to: 10) + met
            text += line.trimmingWhitespace() + "\n"
        }
        let missed = results.filter { $0.meetsGoal == false }.map(\.measurement)
        text += "\ngoals missed: " + (missed.isEmpty ? "none" : missed.joined(separator: ", ")) + "\n"
        return text
    }
}
