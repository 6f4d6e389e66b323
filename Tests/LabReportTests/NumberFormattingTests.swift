import Foundation
import LabCore
import Testing

@testable import LabReport

@Suite struct NumberFormattingTests {
    @Test(
        "numbers are written with fixed decimals, whatever the locale",
        arguments: [
            (0.0, 6, "0.000000"), (1.5, 3, "1.500"), (0.0000005, 6, "0.000001"), (123.4564, 3, "123.456"),
            (-2.25, 1, "-2.3"), (7, 0, "7"),
        ])
    func fixed(value: Double, decimals: Int, expected: String) {
        #expect(NumberFormatting.fixed(value, decimals: decimals) == expected)
    }

    @Test(
        "durations keep a readable unit",
        arguments: [(1.2344, "1.234 s"), (0.5, "500 ms"), (0.0123, "12.3 ms"), (0.000045, "45 us"), (250, "250.0 s")])
    func durations(seconds: Double, expected: String) {
        #expect(NumberFormatting.duration(seconds) == expected)
    }
}
