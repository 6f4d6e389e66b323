import Foundation
import LabReport

/// `lab run --format json`: the summary for scripts, each cell an object whose keys are
/// summary.csv's column names and whose values are the same text.
enum JSONSummary {
    static func render(runID: String, folder: String, cells: [CellSummary]) throws -> String {
        let rows = cells.map { cell in
            Dictionary(uniqueKeysWithValues: SummaryColumn.allCases.map { ($0.rawValue, $0.field(of: cell)) })
        }
        let document: [String: Any] = ["run_id": runID, "folder": folder, "cells": rows]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
