/// The views of `lab calibrate`'s measurements: `calibration.csv` and the table it prints.
package struct CalibrationReport {
    package static let fileName = "calibration.csv"

    package let results: [CalibrationResult]

    package init(results: [CalibrationResult]) {
        self.results = results
    }

    /// `calibration.csv`: a row per measurement.
    package var csv: String {
        let header = ["measurement", "value", "unit", "samples", "detail"]
        let rows = results.map {
            [$0.measurement, NumberFormatting.fixed($0.value, decimals: 3), $0.unit, String($0.samples), $0.detail]
        }
        return CSV.record(header) + rows.map(CSV.record).joined()
    }

    /// A line per measurement: its name and its value with its unit.
    package var text: String {
        var text = ""
        let width = max(36, (results.map(\.measurement.count).max() ?? 0) + 2)
        for result in results {
            let value: String = NumberFormatting.fixed(result.value, decimals: 2) + " " + result.unit
            text += result.measurement.padded(to: width) + value.leftPadded(to: 14) + "\n"
        }
        return text
    }
}
