import Testing

@testable import LabCore

@Suite struct ParametersTests {
    static let specs = [
        ParameterSpec(name: "limit", type: .integer(2...1000), defaultValue: "100", quickValue: "10", unit: "count", summary: ""),
        ParameterSpec(name: "ratio", type: .number(0...1), defaultValue: "0.5", quickValue: "0.25", unit: "", summary: ""),
        ParameterSpec(name: "seconds", type: .numberList(0...10), defaultValue: "3,2,1", quickValue: "0.3", unit: "s", summary: ""),
    ]

    @Test("defaults, quick values and overrides")
    func values() throws {
        let defaults = try Parameters(workload: "w", specs: Self.specs)
        #expect(defaults.integer("limit") == 100)
        #expect(defaults.number("ratio") == 0.5)
        #expect(defaults.numbers("seconds") == [3, 2, 1])
        let quick = try Parameters(workload: "w", specs: Self.specs, quick: true)
        #expect(quick.integer("limit") == 10)
        let overridden = try Parameters(workload: "w", specs: Self.specs, overrides: ["limit": "1_000", "seconds": "0.5,1.25"], quick: true)
        #expect(overridden.integer("limit") == 1000)
        #expect(overridden.numbers("seconds") == [0.5, 1.25])
        #expect(overridden.number("ratio") == 0.25)
    }

    @Test("canonical text lists every parameter in order and parses back")
    func canonical() throws {
        let parameters = try Parameters(workload: "w", specs: Self.specs, overrides: ["seconds": "3.0,0.10,2"])
        #expect(parameters.canonicalText == "limit=100;ratio=0.5;seconds=3,0.1,2")
        #expect(try Parameters(workload: "w", specs: Self.specs, canonicalText: parameters.canonicalText) == parameters)
    }

    @Test("bad values are refused with the expected form", arguments: [
        ("limit", "abc"), ("limit", "1"), ("limit", "1001"), ("limit", "-5"), ("limit", ""), ("limit", "2.5"), ("limit", "_5"),
        ("ratio", "nan"), ("ratio", "inf"), ("ratio", "-0.1"), ("ratio", "0x1p-1"), ("ratio", "1.5"),
        ("seconds", ""), ("seconds", "1,,2"), ("seconds", "1,"), ("seconds", "-1"), ("seconds", "11"), ("seconds", "1;2"),
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
        #expect(throws: ConfigurationError.unknownParameter(workload: "w", parameter: "limt", known: ["limit", "ratio", "seconds"])) {
            try Parameters(workload: "w", specs: Self.specs, overrides: ["limt": "5"])
        }
        let message = ConfigurationError.unknownParameter(workload: "w", parameter: "limt", known: ["limit", "ratio"]).description
        #expect(message == "unknown parameter 'limt' for workload 'w'; its parameters: limit, ratio")
    }

    @Test("malformed canonical text is refused", arguments: ["limit", "limit=5;limit=6", "limit=5;;ratio=1"])
    func malformed(text: String) {
        #expect(throws: ConfigurationError.self) { try Parameters(workload: "w", specs: Self.specs, canonicalText: text) }
    }

    @Test("a registry finds workloads by name and names the known ones when it cannot")
    func registry() throws {
        let registry = WorkloadRegistry([Echo.self])
        #expect(try registry.type(named: "echo") == Echo.self)
        #expect(throws: ConfigurationError.unknownWorkload("ecko", known: ["echo"])) { try registry.type(named: "ecko") }
        #expect(ConfigurationError.unknownWorkload("ecko", known: ["echo", "primes"]).description == "unknown workload 'ecko'; known workloads: echo, primes")
    }

    @Test("median of odd, even and empty lists")
    func median() {
        #expect(Statistics.median([3, 1, 2]) == 2)
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.median([]) == nil)
    }
}

@Suite struct TaskSliceTests {
    @Test("slices cover the whole range once and differ in size by at most one", arguments: [
        (0, 1), (7, 8), (100, 8), (9_000_000, 8), (1_000_003, 13), (Int.max / 2, 1000),
    ])
    func cover(total: Int, taskCount: Int) {
        var next = 0
        var sizes = Set<Int>()
        for index in 0..<taskCount {
            let slice = TaskSlice.range(of: total, task: index, of: taskCount)
            #expect(slice.lowerBound == next)
            next = slice.upperBound
            sizes.insert(slice.count)
        }
        #expect(next == total)
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
    }

    @Test("blocks are dealt out in turn, the last one short")
    func blocksDealtOut() {
        #expect(TaskSlice.blocks(of: 11, task: 0, of: 3, blockSize: 2) == [0..<2, 6..<8])
        #expect(TaskSlice.blocks(of: 11, task: 1, of: 3, blockSize: 2) == [2..<4, 8..<10])
        #expect(TaskSlice.blocks(of: 11, task: 2, of: 3, blockSize: 2) == [4..<6, 10..<11])
        #expect(TaskSlice.blocks(of: 0, task: 0, of: 1, blockSize: 5) == [])
        #expect(TaskSlice.blocks(of: 3, task: 1, of: 2, blockSize: 5) == [])
    }
}

@Suite struct UTCTimeTests {
    @Test("a known Unix time in both forms")
    func forms() {
        // 1,795,000,000 s after the epoch is 2026-11-18 11:06:40 UTC (Python's datetime agrees).
        let time = UTCTime(1_795_000_000)
        #expect(time.compact == "20261118T110640Z")
        #expect(time.iso8601 == "2026-11-18T11:06:40Z")
    }

    @Test("trimming removes spaces, tabs and line ends at both ends only")
    func trimming() {
        #expect(" \tAMD EPYC \r\n".trimmingWhitespace() == "AMD EPYC")
        #expect("".trimmingWhitespace() == "")
    }
}
