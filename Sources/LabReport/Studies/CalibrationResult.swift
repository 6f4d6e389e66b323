/// One number `lab calibrate` measured: a row of `calibration.csv`.
package struct CalibrationResult: Sendable, Equatable {
    /// Such as `pipe_round_trip_cross_core`.
    package var measurement: String
    package var value: Double
    /// `us`, `ms`, `MiB/s` or `x` (a ratio).
    package var unit: String
    package var samples: Int
    /// How it was measured, in a few words.
    package var detail: String

    package init(measurement: String, value: Double, unit: String, samples: Int, detail: String) {
        self.measurement = measurement
        self.value = value
        self.unit = unit
        self.samples = samples
        self.detail = detail
    }
}
