/// RFC 4180 CSV: fields separated by commas, records ended by CRLF, a field quoted when it
/// holds a comma, a quote, CR or LF, and quotes inside quoted fields doubled.
package enum CSV {
    /// Why text is not valid CSV.
    package enum ParseError: Error, CustomStringConvertible, Equatable, Sendable {
        /// A quoted field is still open at the end of the text (a torn last line, usually).
        case unterminatedQuote(line: Int)
        /// A quote where a field may not have one (`ab"c`, or text after a closing quote).
        case strayQuote(line: Int)

        package var description: String {
            switch self {
            case .unterminatedQuote(let line): "unterminated quoted field starting on line \(line)"
            case .strayQuote(let line): "unexpected quote on line \(line)"
            }
        }
    }

    /// The record terminator the lab writes.
    package static let lineEnding = "\r\n"

    /// One field, quoted only when it must be.
    package static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return field
        }
        return "\"" + field.replacingAll("\"", with: "\"\"") + "\""
    }

    /// One record, line ending included.
    package static func record(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + lineEnding
    }

    /// Parses CSV text into records of fields. Accepts CRLF or LF line endings and a leading
    /// byte-order mark (what spreadsheets write for "CSV UTF-8"); a final line ending is
    /// optional; empty lines are skipped.
    /// - Throws: ``ParseError`` for an unterminated or stray quote.
    package static func parse(_ text: String) throws(ParseError) -> [[String]] {
        var records: [[String]] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var fieldWasQuoted = false
        var line = 1
        var quoteLine = 1
        var scalars = Array(text.unicodeScalars)[...]
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }

        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted) {
                records.append(fields)
            }
            fields = []
            field = ""
            fieldWasQuoted = false
        }

        while let scalar = scalars.popFirst() {
            if inQuotes {
                if scalar == "\"" {
                    if scalars.first == "\"" {
                        scalars.removeFirst()
                        field.unicodeScalars.append("\"")
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                guard field.isEmpty, !fieldWasQuoted else { throw .strayQuote(line: line) }
                inQuotes = true
                fieldWasQuoted = true
                quoteLine = line
            case ",":
                fields.append(field)
                field = ""
                fieldWasQuoted = false
            case "\r" where scalars.first == "\n":
                scalars.removeFirst()
                endRecord()
                line += 1
            case "\n":
                endRecord()
                line += 1
            default:
                guard !fieldWasQuoted else { throw .strayQuote(line: line) }
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes { throw .unterminatedQuote(line: quoteLine) }
        if !field.isEmpty || fieldWasQuoted || !fields.isEmpty { endRecord() }
        return records
    }
}

extension CSV {
    /// The whole records of a file that may have been cut short (by a full disk, or a crash
    /// while it was written), and whether it was: then the torn last record is not among them.
    package struct Table: Sendable {
        package var records: [[String]]
        /// The text did not end with a line ending: its last record was left out.
        package var cutShort: Bool
        /// How many bytes (UTF-8) of the text the whole records take: where a writer that
        /// goes on appending must start, past nothing of the torn record.
        package var wholeLength: Int
    }

    /// Parses text that may have been cut short; see ``Table``. The last record of such a
    /// text is dropped, whether it reads or not: a cut after a comma, or inside a number,
    /// leaves a record that reads and is wrong. (Every file the lab writes ends each record
    /// with a line ending, and so do the spreadsheets and data frames that save them.)
    /// - Throws: ``ParseError`` for a malformed record before the cut.
    package static func parseTable(_ text: String) throws(ParseError) -> Table {
        let scalars = text.unicodeScalars
        guard let last = scalars.last, last != "\n" else {
            return Table(records: try parse(text), cutShort: false, wholeLength: text.utf8.count)
        }
        // Everything up to the last line break; what follows it is the torn record. A cut
        // inside a quoted field that holds line breaks leaves that quote open: cut earlier.
        var end = scalars.lastIndex(of: "\n")
        while let cut = end {
            do {
                let whole = String(scalars[...cut])
                return Table(records: try parse(whole), cutShort: true, wholeLength: whole.utf8.count)
            } catch .unterminatedQuote {
                end = scalars[..<cut].lastIndex(of: "\n")
            }
        }
        return Table(records: try parse(text), cutShort: false, wholeLength: text.utf8.count)
    }
}

extension String {
    /// Replaces every occurrence of `target` (without Foundation).
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
