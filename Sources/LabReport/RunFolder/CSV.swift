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
        let scan = Scan(text)
        if let error = scan.error { throw error }
        return scan.records
    }

    /// One pass over the text's UTF-8 bytes (linear in its length, whatever it holds): every
    /// record, the first error and where it stood, and where each record ended, so that
    /// ``parseTable(_:)`` can cut a torn last record without parsing the text again.
    struct Scan {
        var records: [[String]] = []
        /// The first malformed spot, and the byte offset where it was found (in the text, a
        /// byte-order mark included); the scan stops there.
        var error: ParseError?
        var errorOffset = 0
        /// Byte offset just past the last record terminator outside quotes, and how many
        /// records had ended by then (empty lines end none).
        var lastTerminatorEnd: Int?
        var recordsAtLastTerminator = 0

        /// Whether ``deliver`` asked to stop.
        var stopped = false
        /// The last record when it had no line ending, kept back from ``deliver``.
        var unterminated: [String]?

        /// Scans `text`; with `deliver`, each record that ends with a line ending goes to it as
        /// it is read (and none is kept in ``records``) until it returns `false`.
        init(_ text: String, deliver: (([String]) -> Bool)? = nil) {
            var bytes = Array(text.utf8)[...]
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
            var fields: [String] = []
            var field: [UInt8] = []
            var inQuotes = false
            var fieldWasQuoted = false
            var line = 1
            var quoteLine = 1
            var index = bytes.startIndex

            var ended = 0
            func endRecord(terminated: Bool = true) {
                fields.append(String(decoding: field, as: UTF8.self))
                if !(fields.count == 1 && field.isEmpty && !fieldWasQuoted) {
                    ended += 1
                    if let deliver {
                        if terminated {
                            if !deliver(fields) { stopped = true }
                        } else {
                            unterminated = fields
                        }
                    } else {
                        records.append(fields)
                    }
                }
                fields = []
                field = []
                fieldWasQuoted = false
            }

            while index < bytes.endIndex {
                let byte = bytes[index]
                index += 1
                if inQuotes {
                    if byte == quote {
                        if index < bytes.endIndex && bytes[index] == quote {
                            index += 1
                            field.append(quote)
                        } else {
                            inQuotes = false
                        }
                    } else {
                        if byte == lf { line += 1 }
                        field.append(byte)
                    }
                    continue
                }
                switch byte {
                case quote:
                    guard field.isEmpty, !fieldWasQuoted else {
                        error = .strayQuote(line: line)
                        errorOffset = index - 1
                        return
                    }
                    inQuotes = true
                    fieldWasQuoted = true
                    quoteLine = line
                case comma:
                    fields.append(String(decoding: field, as: UTF8.self))
                    field = []
                    fieldWasQuoted = false
                case cr where index < bytes.endIndex && bytes[index] == lf:
                    index += 1
                    endRecord()
                    line += 1
                    lastTerminatorEnd = index
                    recordsAtLastTerminator = ended
                    if stopped { return }
                case lf:
                    endRecord()
                    line += 1
                    lastTerminatorEnd = index
                    recordsAtLastTerminator = ended
                    if stopped { return }
                default:
                    guard !fieldWasQuoted else {
                        error = .strayQuote(line: line)
                        errorOffset = index - 1
                        return
                    }
                    field.append(byte)
                }
            }
            if inQuotes {
                error = .unterminatedQuote(line: quoteLine)
                errorOffset = bytes.endIndex
                return
            }
            if !field.isEmpty || fieldWasQuoted || !fields.isEmpty { endRecord(terminated: false) }
        }
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
    /// with a line ending, and so do the spreadsheets and data frames that save them.) A cut
    /// inside a quoted field that holds line breaks leaves that quote open: the whole records
    /// end at the last line break outside quotes. One pass, linear in the text.
    /// - Throws: ``ParseError`` for a malformed record before the cut.
    package static func parseTable(_ text: String) throws(ParseError) -> Table {
        let (scan, cutShort, wholeLength) = try wholeRecords(text, deliver: nil)
        let records = cutShort ? Array(scan.records.prefix(scan.recordsAtLastTerminator)) : scan.records
        return Table(records: records, cutShort: cutShort, wholeLength: wholeLength)
    }

    /// Scans `text` (handing each terminated record to `deliver` when given) and applies the
    /// rules of a text cut short: whether it was, and how many bytes its whole records take.
    /// - Throws: ``ParseError`` for a malformed record before the cut.
    private static func wholeRecords(
        _ text: String, deliver: (([String]) -> Bool)?
    ) throws(ParseError) -> (scan: Scan, cutShort: Bool, wholeLength: Int) {
        let utf8 = text.utf8
        let scan = Scan(text, deliver: deliver)
        guard let last = utf8.last, last != UInt8(ascii: "\n") else {
            if let error = scan.error { throw error }
            return (scan, false, utf8.count)
        }
        // Where the last line break stands: a fault past it is in the torn record, and forgiven.
        let lastBreak =
            utf8.lastIndex(of: UInt8(ascii: "\n")).map { utf8.distance(from: utf8.startIndex, to: $0) } ?? -1
        if let error = scan.error, scan.errorOffset < lastBreak { throw error }
        guard let end = scan.lastTerminatorEnd else {
            // No whole record at all: the text is one record, read as it is.
            if let error = scan.error { throw error }
            return (scan, false, utf8.count)
        }
        return (scan, true, end)
    }
}

extension CSV {
    /// Reads `text` as ``parseTable(_:)`` does, handing each whole record to `body` as it is
    /// read instead of keeping them all: a reader that turns each record into a smaller value
    /// holds one record's strings at a time. `body` returns `false` to stop.
    /// - Returns: whether the text was cut short (its torn last record not handed over).
    /// - Throws: ``ParseError`` for a malformed record before the cut (records before it were
    ///   handed over).
    package static func forEachRecord(_ text: String, _ body: ([String]) -> Bool) throws(ParseError) -> Bool {
        try withoutActuallyEscaping(body) { body throws(ParseError) in
            let (scan, cutShort, _) = try wholeRecords(text, deliver: body)
            // A text of one record and no line ending is that record, read as it is.
            if !cutShort, !scan.stopped, let record = scan.unterminated { _ = body(record) }
            return cutShort
        }
    }
}

extension String {
    /// Replaces every occurrence of `target` (without Foundation).
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
