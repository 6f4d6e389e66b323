import Foundation
import LabReport

/// `--format json`: what a command prints, for scripts. Every document is an object with a
/// `command` key; rows are objects whose keys are the columns of the CSV file the command
/// writes (units in the names, values as the same text), so that a key means one thing in
/// both. Results/README.md lists each command's keys; a test decodes every one.
enum JSONSummary {
    /// The `--format` option of a command that prints text or JSON.
    static let formatOption = OptionSpec(
        "--format", value: "FORMAT", expected: "one of: text, json", default: "text",
        help:
            "What standard output gets: text (as shown), or json (the same figures for scripts, under the keys "
            + "Results/README.md lists)."
    )

    /// Whether `--format json` was asked for; bad values are bad input.
    static func wanted(_ parsed: ParsedArguments) throws(UsageError) -> Bool {
        guard let value = parsed.value("--format") else { return false }
        guard ["text", "json"].contains(value) else {
            throw .invalidValue(option: "--format", value: value, expected: "one of: text, json")
        }
        return value == "json"
    }

    /// `lab run --format json`: the summary, each cell an object with summary.csv's keys.
    static func render(runID: String, folder: String, cells: [CellSummary]) throws -> String {
        let rows = cells.map { cell in
            Dictionary(uniqueKeysWithValues: SummaryColumn.allCases.map { ($0.rawValue, $0.field(of: cell)) })
        }
        return try document(["command": "run", "run_id": runID, "folder": folder, "cells": rows])
    }

    /// A CSV text's records as objects keyed by its header.
    static func rows(fromCSV text: String) -> [[String: String]] {
        guard let records = try? CSV.parse(text), let header = records.first else { return [] }
        return records.dropFirst().map { record in
            Dictionary(zip(header, record).map { ($0, $1) }) { first, _ in first }
        }
    }

    /// The lines of a text, without empty ones.
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
    }

    /// `object` as pretty, sorted JSON, with a newline.
    static func document(_ object: [String: Any]) throws -> String {
        let data = try JSONSerialization.data(
            withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
