import LabCore
import Testing

@testable import LabReport

@Suite struct RunComparisonTests {
    func records(_ walls: [Double], mode: ExecutionMode = .threads) -> [RepetitionRecord] {
        walls.map { sampleRecord(mode: mode, wall: $0) }
    }

    @Test("apart intervals give a verdict with the ratio of medians; overlapping ones do not")
    func verdicts() {
        let faster = RunComparison(baseline: records([1.0, 1.01, 0.99]), candidate: records([0.5, 0.51, 0.49]))
        #expect(faster.matches.count == 1)
        #expect(faster.matches[0].verdict == "2.00x faster")
        let slower = RunComparison(baseline: records([0.5, 0.51, 0.49]), candidate: records([1.0, 1.01, 0.99]))
        #expect(slower.matches[0].verdict == "2.00x slower")
        let same = RunComparison(baseline: records([1.0, 1.2, 0.8]), candidate: records([1.03, 1.23, 0.83]))
        #expect(same.matches[0].verdict == "no significant change")
        let single = RunComparison(baseline: records([1.0]), candidate: records([0.5]))
        #expect(single.matches[0].verdict == "2.00x faster (untested: fewer than 2 repetitions)")
    }

    @Test("cells in only one run are listed on their side")
    func unmatched() {
        let comparison = RunComparison(
            baseline: records([1, 1]) + records([2, 2], mode: .processes), candidate: records([1, 1], mode: .async))
        #expect(comparison.matches.isEmpty)
        #expect(comparison.onlyInBaseline.map(\.label) == ["threads x2", "processes x2"])
        #expect(comparison.onlyInCandidate.map(\.label) == ["async x2"])
        #expect(comparison.render(.text).contains("only in the candidate: sleep async x2"))
    }

    @Test(
        "process cells are matched by transport: pipe with pipe, shm with shm, and a run's shm cell is its own summary")
    func transports() {
        func over(_ transport: Transport, _ walls: [Double]) -> [RepetitionRecord] {
            records(walls, mode: .processes).map { record in
                var record = record
                record.transport = transport
                return record
            }
        }
        let baseline = over(.pipe, [1.0, 1.01, 0.99]) + over(.shm, [0.5, 0.51, 0.49])
        let candidate = over(.shm, [0.25, 0.26, 0.24]) + over(.pipe, [1.0, 1.01, 0.99]) + over(.socketpair, [1, 1])
        #expect(
            CellSummary.summarize(candidate).map(\.label) == [
                "processes x2 over shm", "processes x2", "processes x2 over socketpair",
            ])
        let comparison = RunComparison(baseline: baseline, candidate: candidate)
        #expect(
            comparison.matches.map { "\($0.baseline.label): \($0.verdict)" } == [
                "processes x2: no significant change", "processes x2 over shm: 2.00x faster",
            ])
        #expect(comparison.onlyInCandidate.map(\.label) == ["processes x2 over socketpair"])
    }

    @Test(
        "forked and mapped process cells are matched like with like; a spawned, copying cell keeps the key older runs gave it"
    )
    func startsAndDatasets() {
        func cell(_ start: WorkerStart?, _ dataset: DatasetPlacement?, _ walls: [Double]) -> [RepetitionRecord] {
            records(walls, mode: .processes).map { record in
                var record = record
                record.start = start
                record.dataset = dataset
                return record
            }
        }
        // An older run: no start, no dataset.
        let baseline = cell(nil, nil, [1.0, 1.01, 0.99]) + cell(.forkserver, .map, [0.5, 0.51, 0.49])
        let candidate =
            cell(.spawn, .copy, [1.0, 1.01, 0.99]) + cell(.forkserver, .map, [0.25, 0.26, 0.24])
            + cell(.forkserver, .copy, [1, 1])
        #expect(
            CellSummary.summarize(candidate).map(\.label) == [
                "processes x2", "processes x2, forkserver, mapped", "processes x2, forkserver",
            ])
        let comparison = RunComparison(baseline: baseline, candidate: candidate)
        #expect(
            comparison.matches.map { "\($0.baseline.label): \($0.verdict)" } == [
                "processes x2: no significant change", "processes x2, forkserver, mapped: 2.00x faster",
            ])
        #expect(comparison.onlyInCandidate.map(\.label) == ["processes x2, forkserver"])
    }

    @Test(
        "a peer's variants are cells of their own, each set against the other run's cell of that mode; an unavailable cell says why"
    )
    func variants() throws {
        func variant(_ name: String, _ walls: [Double]) -> [RepetitionRecord] {
            records(walls, mode: .processes).map { record in
                var record = record
                record.variant = name
                return record
            }
        }
        var unavailable = sampleRecord(
            mode: .threads, wall: 0, status: .unavailable,
            error: "InterpreterPoolExecutor (PEP 734) needs Python 3.14; this is 3.11.7")
        unavailable.variant = "interpreters"
        let python = variant("fork", [1.0, 1.01, 0.99]) + variant("spawn", [2.0, 2.02, 1.98]) + [unavailable]
        let cells = CellSummary.summarize(python)
        #expect(cells.map(\.label) == ["processes x2 (fork)", "processes x2 (spawn)", "threads x2 (interpreters)"])
        #expect(Set(cells.map(\.cellKey)).count == 3)
        let interpreters = try #require(cells.last)
        #expect(interpreters.failed == 0 && interpreters.succeeded == 0 && interpreters.wallMedian == nil)
        #expect(interpreters.unavailableReason?.contains("3.14") == true)
        #expect(interpreters.warning == nil)
        #expect(AsciiChart().render(block: cells).contains("threads x2 (interpreters) |") == true)
        #expect(
            AsciiChart().render(block: cells).contains(
                "unavailable: InterpreterPoolExecutor (PEP 734) needs Python 3.14"))

        let swift = records([0.5, 0.51, 0.49], mode: .processes) + records([0.25, 0.26, 0.24], mode: .threads)
        for (baseline, candidate) in [(python, swift), (swift, python)] {
            let comparison = RunComparison(baseline: baseline, candidate: candidate)
            #expect(
                comparison.matches.map { $0.shown.label }.sorted() == [
                    "processes x2 (fork)", "processes x2 (spawn)", "threads x2 (interpreters)",
                ])
            let text = comparison.render(.text)
            #expect(text.contains("sleep processes x2 (spawn)"))
            #expect(text.contains("unavailable in one run"))
            #expect(comparison.render(.csv).contains(",processes,2,pipe,spawn,"))
        }
        // Two runs of the lab itself have no variants: nothing changes for them.
        #expect(RunComparison(baseline: swift, candidate: swift).matches.count == 2)
        // A variant matches its own variant first.
        let same = RunComparison(baseline: python, candidate: python)
        #expect(
            same.matches.map { "\($0.baseline.label)=\($0.candidate.label)" } == [
                "processes x2 (fork)=processes x2 (fork)", "processes x2 (spawn)=processes x2 (spawn)",
                "threads x2 (interpreters)=threads x2 (interpreters)",
            ])
    }

    @Test(
        "--fail-if-slower: a cell slower beyond the allowance fails by the rank test and the intervals; noise, small slowdowns and faster cells pass"
    )
    func gate() throws {
        func cell(_ walls: [Double], mode: ExecutionMode) -> [RepetitionRecord] { records(walls, mode: mode) }
        let baseline =
            cell([1.0, 1.01, 0.99, 1.02, 0.98], mode: .threads) + cell([2.0, 2.02, 1.98, 2.01, 1.99], mode: .processes)
            + cell([0.5, 0.51, 0.49, 0.5, 0.5], mode: .async)
        // threads 20% slower, tight; processes 5% slower; async faster.
        let candidate =
            cell([1.2, 1.212, 1.188, 1.224, 1.176], mode: .threads)
            + cell([2.1, 2.12, 2.08, 2.11, 2.09], mode: .processes)
            + cell([0.4, 0.41, 0.39, 0.4, 0.4], mode: .async)
        let comparison = RunComparison(baseline: baseline, candidate: candidate)
        let failed = comparison.regressions(slowerThanPercent: 10)
        #expect(failed.map(\.match.baseline.label) == ["threads x2"])
        let regression = try #require(failed.first)
        #expect(abs(try #require(regression.slowdown) - 1.2) < 1e-9)
        // Holm over the 3 cells: the smallest raw p-value (1/252, all five above) times 3.
        #expect(abs(try #require(regression.rankP) - 3.0 / 252) < 1e-9)
        #expect(regression.intervalsApart == true && regression.decidedBy == "both")
        // At 25% nothing is slower by more than the allowance; at 1% the processes cell is too.
        #expect(comparison.regressions(slowerThanPercent: 25).isEmpty)
        #expect(
            comparison.regressions(slowerThanPercent: 1).map(\.match.baseline.label) == ["threads x2", "processes x2"])
        let text = comparison.renderGate(failed, percent: 10)
        #expect(text.hasPrefix("lab compare: 1 of 3 cells is slower than the baseline by more than 10%"), "\(text)")
        #expect(text.contains("sleep threads x2") && text.contains("1.20x") && text.hasSuffix("both\n"), "\(text)")
        #expect(comparison.renderGate([], percent: 10).contains("no cell is slower than the baseline by more than 10%"))
    }

    @Test(
        "--fail-if-slower: a noisy 20% slowdown whose values mix is no failure; the rank test alone can decide; a cell failed only in the candidate fails"
    )
    func gateNoiseAndFailures() throws {
        // Medians 1.0 and 1.2, but the values interleave widely: neither rule holds.
        let noisy = RunComparison(
            baseline: records([0.6, 1.0, 1.4, 0.7, 1.3]), candidate: records([0.8, 1.2, 1.6, 0.9, 1.5]))
        #expect(noisy.regressions(slowerThanPercent: 10).isEmpty)
        // Separated values but one wild repetition widens the candidate's interval: the rank
        // test still sees every candidate value above every allowed baseline value.
        let wild = RunComparison(
            baseline: records([1.0, 1.0, 1.0, 1.0, 1.0]), candidate: records([1.3, 1.3, 1.3, 1.3, 4.0]))
        let found = try #require(wild.regressions(slowerThanPercent: 10).first)
        #expect(found.decidedBy == "rank test" && found.intervalsApart == false)
        var broken = records([1.0, 1.0])
        for index in broken.indices { broken[index].status = .failed }
        let failed = RunComparison(baseline: records([1.0, 1.01]), candidate: broken).regressions(slowerThanPercent: 10)
        #expect(failed.map(\.decidedBy) == ["failed in the candidate"])
    }

    @Test(
        "--fail-if-slower corrects for testing many cells at once: a borderline cell among 48 passes; with 8 repetitions the rank test decides alone"
    )
    func gateManyCells() throws {
        // 48 cells as a default run has them: 47 equal, one 12% slower with its values mixed
        // enough that one cell alone would fail the rank test (raw p 0.048 < 0.05).
        func cells(_ walls: (Int) -> [Double]) -> [RepetitionRecord] {
            (0..<48).flatMap { index in
                walls(index).map { wall in
                    var record = sampleRecord(wall: wall)
                    record.parameters = "cell=\(index)"
                    return record
                }
            }
        }
        let steady = [1.0, 1.02, 0.98, 1.01, 0.99]
        let baseline = cells { _ in steady }
        let borderline = cells { $0 == 7 ? [1.12, 1.23, 1.25, 1.24, 1.26] : steady }
        let single = RunComparison(
            baseline: baseline.filter { $0.parameters == "cell=7" },
            candidate: borderline.filter { $0.parameters == "cell=7" })
        let raw = try #require(Statistics.mannWhitneyGreater(steady.map { $0 * 1.1 }, [1.12, 1.23, 1.25, 1.24, 1.26])).p
        #expect(raw < 0.05)
        #expect(single.regressions(slowerThanPercent: 10).count == 1)
        let many = RunComparison(baseline: baseline, candidate: borderline)
        #expect(many.regressions(slowerThanPercent: 10).isEmpty)
        #expect(many.gateIntervalLevel == 1 - 0.05 / 48)
        let note = try #require(many.rankTestLimit)
        #expect(
            note.contains("with 5 and 5 repetitions") && note.hasSuffix("7 repetitions a side would let it"), "\(note)")
        #expect(many.renderGate([], percent: 10).contains("lab compare: note: with 5 and 5 repetitions"))

        // With 8 repetitions a side, a clean 30% slowdown of one cell is found by the rank test
        // even though one wild repetition keeps its intervals overlapping.
        let eight = [1.0, 1.02, 0.98, 1.01, 0.99, 1.0, 1.01, 0.99]
        let slow = cells { $0 == 3 ? [1.3, 1.31, 1.29, 1.3, 1.32, 1.28, 1.3, 9.0] : eight }
        let decided = RunComparison(baseline: cells { _ in eight }, candidate: slow)
        #expect(decided.rankTestLimit == nil)
        let found = decided.regressions(slowerThanPercent: 10)
        #expect(found.map(\.match.baseline.parameters) == ["cell=3"])
        #expect(found.first?.decidedBy == "rank test")
    }

    @Test("the report's sentences come from the numbers")
    func findings() {
        let cells = CellSummary.summarize(
            records([0.6, 0.6, 0.6], mode: .sequential) + records([0.3, 0.3, 0.3])
                + records([0.4, 0.41, 0.39], mode: .processes))
        let sentences = MarkdownReport.findings(cells)
        #expect(sentences.contains("Fastest: threads x2, 2.00x against sequential (efficiency 1.00)."))
        #expect(
            sentences.contains("Processes reached 1.50x at 2 workers; their start-up took 12.0 ms, 3% of the cell."))
        #expect(sentences.contains("Threads were 1.33x faster than processes at 2 workers."))
    }

    @Test("the SVG chart has a bar per cell, whiskers and escaped text")
    func svg() {
        var odd = sampleRecord(mode: .sequential, workers: 1, wall: 1)
        odd.parameters = "a=<b>&\"c\""
        let svg = SvgChart().render(CellSummary.summarize([odd, odd] + records([0.5, 0.6])))
        #expect(svg.contains("a=&lt;b&gt;&amp;&quot;c&quot;"))
        #expect(svg.components(separatedBy: "<rect x=\"130.0\"").count - 1 == 3)
        #expect(svg.contains("<path d=\"M"))
    }
}
