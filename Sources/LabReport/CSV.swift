/// RFC 4180 CSV: fields separated by commas, records ended by CRLF, a field quoted when it
/// holds a comma, a quote, CR or LF, and quotes inside quoted fields doubled.
public enum CSV {
    /// Why text is not valid CSV.
    public enum ParseError: Error, CustomStringConvertible, Equatable, Sendable {
        /// A quoted field is still open at the end of the text (a torn last line, usually).
        case unterminatedQuote(line: Int)
        /// A quote where a field may not have one (`ab"c`, or text after a closing quote).
        case strayQuote(line: Int)

        public var description: String {
            switch self {
            case .unterminatedQuote(let line): "unterminated quoted field starting on line \(line)"
            case .strayQuote(let line): "unexpected quote on line \(line)"
            }
        }
    }

    /// The record terminator the lab writes.
    public static let lineEnding = "\r\n"

    /// One field, quoted only when it must be.
    public static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return field
        }
        return "\"" + field.replacingAll("\"", with: "\"\"") + "\""
    }

    /// One record, line ending included.
    public static func record(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + lineEnding
    }

    /// Parses CSV text into records of fields. Accepts CRLF or LF line endings; a final line
    /// ending is optional; empty lines are skipped.
    /// - Throws: ``ParseError`` for an unterminated or stray quote.
    public static func parse(_ text: String) throws(ParseError) -> [[String]] {
        var records: [[String]] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var fieldWasQuoted = false
        var line = 1
        var quoteLine = 1
        var scalars = Array(text.unicodeScalars)[...]

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

extension String {
    /// Replaces every occurrence of `target` (without Foundation).
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
