import Testing

@testable import LabReport

@Suite struct CSVTests {
    @Test("fields are quoted only when they must be", arguments: [
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
}
