import Testing

@testable import LabReport

@Suite struct CSVTests {
    @Test(
        "fields are quoted only when they must be",
        arguments: [
            ("plain", "plain"), ("", ""), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""), ("cr\r\nlf", "\"cr\r\nlf\""), ("limit=5;x=1", "limit=5;x=1"),
        ])
    func escaping(field: String, expected: String) {
        #expect(CSV.escape(field) == expected)
    }

    @Test("records round-trip through text")
    func roundTrip() throws {
        let records = [
            ["run_id", "params", "error"],
            ["r1", "seconds=3,2,1", ""],
            ["r2", "a=\"quoted\";b=,", "worker 2 killed by signal 9 (SIGKILL)\nduring task 5"],
            ["", "", ""],
        ]
        let text = records.map(CSV.record).joined()
        #expect(text.hasSuffix("\r\n"))
        #expect(try CSV.parse(text) == records)
    }

    @Test("LF line endings and a missing final line ending are accepted")
    func lenientEndings() throws {
        #expect(try CSV.parse("a,b\n1,2") == [["a", "b"], ["1", "2"]])
        #expect(try CSV.parse("a,b\r\n\r\n1,2\r\n") == [["a", "b"], ["1", "2"]])
    }

    @Test("a torn quoted field and a stray quote are errors")
    func errors() {
        #expect(throws: CSV.ParseError.unterminatedQuote(line: 2)) { try CSV.parse("a,b\r\n1,\"open") }
        #expect(throws: CSV.ParseError.strayQuote(line: 1)) { try CSV.parse("a\"b,c") }
        #expect(throws: CSV.ParseError.strayQuote(line: 1)) { try CSV.parse("\"a\"b,c") }
    }

    @Test("a spreadsheet's byte-order mark is not part of the first column's name")
    func byteOrderMark() throws {
        #expect(try CSV.parse("\u{FEFF}run_id,wall_s\r\nr1,0.5\r\n") == [["run_id", "wall_s"], ["r1", "0.5"]])
        // Only at the very start: elsewhere it is data.
        #expect(try CSV.parse("a\r\n\u{FEFF}b\r\n") == [["a"], ["\u{FEFF}b"]])
    }

    @Test("a file cut short loses its torn last record, whether it reads or not, and only that")
    func cutShort() throws {
        // Whole: ends with a line ending, CRLF or LF.
        for text in ["a,b\r\n1,2\r\n", "a,b\n1,2\n"] {
            let table = try CSV.parseTable(text)
            #expect(table.records == [["a", "b"], ["1", "2"]] && !table.cutShort)
        }
        // Cut after a comma, or inside a number: the record reads, and is wrong; it goes.
        for text in ["a,b\r\n1,2\r\n3,", "a,b\r\n1,2\r\n3,0.00765"] {
            let table = try CSV.parseTable(text)
            #expect(table.records == [["a", "b"], ["1", "2"]] && table.cutShort, "\(text)")
        }
        // Cut inside a quoted field that holds line breaks: the whole torn record goes.
        let quoted = try CSV.parseTable("a,b\r\n1,\"x\r\ny\"\r\n2,\"line one\r\nline t")
        #expect(quoted.records == [["a", "b"], ["1", "x\r\ny"]] && quoted.cutShort)
        // Where a writer that goes on must start: after the whole records, in UTF-8 bytes
        // (a byte-order mark and a non-ASCII name counted).
        #expect(quoted.wholeLength == "a,b\r\n1,\"x\r\ny\"\r\n".utf8.count)
        #expect(try CSV.parseTable("\u{FEFF}a,b\r\nü,2\r\n3,").wholeLength == "\u{FEFF}a,b\r\nü,2\r\n".utf8.count)
        #expect(try CSV.parseTable("a,b\n1,2\n").wholeLength == 8)
        // A malformed record before the cut is still an error.
        #expect(throws: CSV.ParseError.strayQuote(line: 2)) { try CSV.parseTable("a,b\r\n1\"x,2\r\n3,") }
    }
}
