import Testing

@testable import LabCore

@Suite struct ParametersTests {
    static let specs = [
        ParameterSpec(
            name: "limit", type: .integer(2...1000), defaultValue: "100", quickValue: "10", unit: "count", summary: ""),
        ParameterSpec(
            name: "ratio", type: .number(0...1), defaultValue: "0.5", quickValue: "0.25", unit: "", summary: ""),
        ParameterSpec(
            name: "seconds", type: .numberList(0...10), defaultValue: "3,2,1", quickValue: "0.3", unit: "s", summary: ""
        ),
    ]

    @Test("defaults, quick values and overrides")
    func values() throws {
        let defaults = try Parameters(workload: "w", specs: Self.specs)
        #expect(defaults.integer("limit") == 100)
        #expect(defaults.number("ratio") == 0.5)
        #expect(defaults.numbers("seconds") == [3, 2, 1])
        let quick = try Parameters(workload: "w", specs: Self.specs, quick: true)
        #expect(quick.integer("limit") == 10)
        let overridden = try Parameters(
            workload: "w", specs: Self.specs, overrides: ["limit": "1_000", "seconds": "0.5,1.25"], quick: true)
        #expect(overridden.integer("limit") == 1000)
        #expect(overridden.numbers("seconds") == [0.5, 1.25])
        #expect(overridden.number("ratio") == 0.25)
    }

    @Test(
        "setting one parameter keeps the others, the quick start and the fixture's values, and refuses what the spec refuses"
    )
    func settingOne() throws {
        let quick = try Parameters(workload: "w", specs: Self.specs, overrides: ["ratio": "0.75"], quick: true).adding(
            fixtureValues: ["port": "8080"])
        let changed = try quick.setting("limit", to: "500")
        #expect(changed.integer("limit") == 500)
        #expect(changed.number("ratio") == 0.75 && changed.numbers("seconds") == [0.3])
        #expect(changed.isQuick && changed.fixtureValues == ["port": "8080"])
        #expect(
            changed
                == (try Parameters(
                    workload: "w", specs: Self.specs, overrides: ["limit": "500", "ratio": "0.75"], quick: true))
                .adding(fixtureValues: ["port": "8080"]))
        #expect(
            throws: ConfigurationError.invalidValue(
                workload: "w", parameter: "limit", value: "1", expected: Self.specs[0].expectation)
        ) {
            try quick.setting("limit", to: "1")
        }
        #expect(
            throws: ConfigurationError.unknownParameter(
                workload: "w", parameter: "size", known: ["limit", "ratio", "seconds"])
        ) {
            try quick.setting("size", to: "1")
        }
    }

    @Test("canonical text lists every parameter in order and parses back")
    func canonical() throws {
        let parameters = try Parameters(workload: "w", specs: Self.specs, overrides: ["seconds": "3.0,0.10,2"])
        #expect(parameters.canonicalText == "limit=100;ratio=0.5;seconds=3,0.1,2")
        #expect(try Parameters(workload: "w", specs: Self.specs, canonicalText: parameters.canonicalText) == parameters)
    }

    @Test(
        "bad values are refused with the expected form",
        arguments: [
            ("limit", "abc"), ("limit", "1"), ("limit", "1001"), ("limit", "-5"), ("limit", ""), ("limit", "2.5"),
            ("limit", "_5"),
            ("ratio", "nan"), ("ratio", "inf"), ("ratio", "-0.1"), ("ratio", "0x1p-1"), ("ratio", "1.5"),
            ("seconds", ""), ("seconds", "1,,2"), ("seconds", "1,"), ("seconds", "-1"), ("seconds", "11"),
            ("seconds", "1;2"),
        ])
    func badValues(name: String, value: String) throws {
        #expect {
            try Parameters(workload: "w", specs: Self.specs, overrides: [name: value])
        } throws: { error in
            guard case ConfigurationError.invalidValue("w", name, value, let expected) = error else { return false }
            return expected.contains("from")
        }
    }

    @Test("an undeclared parameter is named with the declared ones")
    func unknownParameter() {
        #expect(
            throws: ConfigurationError.unknownParameter(
                workload: "w", parameter: "limt", known: ["limit", "ratio", "seconds"])
        ) {
            try Parameters(workload: "w", specs: Self.specs, overrides: ["limt": "5"])
        }
        let message = ConfigurationError.unknownParameter(workload: "w", parameter: "limt", known: ["limit", "ratio"])
            .description
        #expect(message == "unknown parameter 'limt' for workload 'w'; its parameters: limit, ratio")
    }

    @Test("malformed canonical text is refused", arguments: ["limit", "limit=5;limit=6", "limit=5;;ratio=1"])
    func malformed(text: String) {
        #expect(throws: ConfigurationError.self) {
            try Parameters(workload: "w", specs: Self.specs, canonicalText: text)
        }
    }
}
