import Testing

@testable import LabCore

@Suite struct TextTests {
    @Test("trimming removes spaces, tabs and line ends at both ends only")
    func trimming() {
        #expect(" \tAMD EPYC \r\n".trimmingWhitespace() == "AMD EPYC")
        #expect("".trimmingWhitespace() == "")
    }
}
