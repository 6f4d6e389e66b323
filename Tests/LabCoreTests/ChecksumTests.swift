import Testing

@testable import LabCore

@Suite struct ChecksumTests {
    // Published FNV-1a 64-bit test vectors.
    @Test(
        "FNV-1a matches the published vectors",
        arguments: [
            ("", 0xcbf2_9ce4_8422_2325 as UInt64),
            ("a", 0xaf63_dc4c_8601_ec8c),
            ("foobar", 0x8594_4171_f739_67e8),
        ])
    func vectors(text: String, expected: UInt64) {
        #expect(Checksum.digest(Array(text.utf8)) == expected)
        var running = Checksum()
        running.combine(bytes: Array(text.utf8))
        #expect(running.value == expected)
    }

    @Test("combining a word folds its little-endian bytes")
    func word() {
        var byWord = Checksum()
        byWord.combine(0x0102_0304_0506_0708)
        var byBytes = Checksum()
        byBytes.combine(bytes: [8, 7, 6, 5, 4, 3, 2, 1])
        #expect(byWord == byBytes)
    }

    @Test("the combined checksum depends on task order and on payload bytes")
    func combined() {
        let a = TaskOutcome(output: TaskOutput(checksum: 1, payload: [1]), inputBytes: 0)
        let b = TaskOutcome(output: TaskOutput(checksum: 2, payload: [2]), inputBytes: 0)
        let bAltered = TaskOutcome(output: TaskOutput(checksum: 2, payload: [3]), inputBytes: 0)
        #expect(Checksum.combined([a, b]) != Checksum.combined([b, a]))
        #expect(Checksum.combined([a, b]) != Checksum.combined([a, bAltered]))
        // Equal outcomes built anew give the same checksum: it depends on values only.
        let aAgain = TaskOutcome(output: TaskOutput(checksum: 1, payload: [1]), inputBytes: 0)
        let bAgain = TaskOutcome(output: TaskOutput(checksum: 2, payload: [2]), inputBytes: 7)
        #expect(Checksum.combined([a, b]) == Checksum.combined([aAgain, bAgain]))
        #expect(Checksum.combined([a, b]) != Checksum.combined([a]))
    }

    @Test("hex is always 16 digits")
    func hex() {
        #expect(Checksum.hex(0) == "0000000000000000")
        #expect(Checksum.hex(0xab) == "00000000000000ab")
        #expect(Checksum.hex(UInt64.max) == "ffffffffffffffff")
    }
}
