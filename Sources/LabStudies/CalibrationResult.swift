import Foundation
import Glibc
import LabCore

/// One number `lab calibrate` measured: a row of `calibration.csv`.
public struct CalibrationResult: Sendable, Equatable {
    /// Such as `pipe_round_trip_cross_core`.
    public var measurement: String
    public var value: Double
    /// `us`, `ms`, `MiB/s` or `x` (a ratio).
    public var unit: String
    public var samples: Int
    /// How it was measured, in a few words.
    public var detail: String

    public init(measurement: String, value: Double, unit: String, samples: Int, detail: String) {
        self.measurement = measurement
        self.value = value
        self.unit = unit
        self.samples = samples
        self.detail = detail
    }
}
