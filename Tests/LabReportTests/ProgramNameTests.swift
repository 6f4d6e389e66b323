import Testing

@testable import LabReport

@Suite struct ProgramNameTests {
    static let commands: Set<String> = ["run", "help", "scale"]

    @Test("a user's binary is named where the lab names itself, and nowhere else")
    func renamed() {
        let text = """
            lab: measures, on this machine, when threads win.

            USAGE: lab <command> [options]
              lab run --quick          every workload
            see 'lab help run' or `lab scale --help`; (lab run) works
            the lab run folder stays; a lab: label inside a line stays; lab worker stays
            lab: unknown option '--bogus' for 'lab run'; options: --workers

            """
        let expected = """
            vowels: measures, on this machine, when threads win.

            USAGE: vowels <command> [options]
              vowels run --quick          every workload
            see 'vowels help run' or `vowels scale --help`; (vowels run) works
            the lab run folder stays; a lab: label inside a line stays; lab worker stays
            vowels: unknown option '--bogus' for 'vowels run'; options: --workers

            """
        #expect(ProgramName.rename(text, to: "vowels", commands: Self.commands) == expected)
        #expect(ProgramName.rename(text, to: "lab", commands: Self.commands) == text)
    }
}
