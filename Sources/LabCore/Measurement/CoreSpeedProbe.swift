import Glibc
import Synchronization

/// The machine's own speed around a repetition: a short spin of fixed work (about 50 us on the
/// machine of the front page) on one lane alone, then on every lane at once, started together.
/// On cores of their own the lanes finish together about as fast as one alone (1.03x here,
/// 1.09x at most over 200 tries); when two virtual CPUs are hyperthreads of one host core,
/// or share one core, they take up to twice as long. Other processes' CPU and steal do not
/// show that: each lane runs the whole time, only slower. A repetition measured then is not
/// the code's alone, as one beside a busy loop is not (``Disturbance``).
package enum CoreSpeedProbe {
    /// Steps of the spin: a dependent chain of multiplications, about 50 us here in a release
    /// build; a debug build (the tests') runs each step about ten times slower, so it takes a
    /// tenth of them, and the probe costs a repetition as little there.
    #if DEBUG
    package static let steps = 4_000
    #else
    package static let steps = 40_000
    #endif
    /// Rounds of each; the fastest counts, so that a timer interrupt does not.
    package static let rounds = 3

    /// The fixed work; its result depends on every step, so the optimiser keeps them.
    @inline(never)
    package static func spin(_ steps: Int, seed: UInt64) -> UInt64 {
        var value = seed
        for _ in 0..<steps {
            value = value &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            value ^= value >> 29
        }
        return value
    }

    private static let sink = Atomic<UInt64>(0)
    /// The steps, read at run time: with a constant count and seed the optimiser works the
    /// spin out once, at compile time (it took 30 ns instead of 56 us).
    private static let opaqueSteps = Atomic<Int>(steps)

    /// How many times as long `lanes` lanes take for the spin, started together, as one lane
    /// alone: the slowest lane's finish from the common start, over one lane's spin. `nil` for
    /// fewer than 2 lanes (nothing to compare) or when a thread cannot start. Lane i runs on
    /// the i-th allowed CPU (new threads start beside their parent, and in 50 us the scheduler
    /// may not move one: then two lanes take turns on one core, 2x, which is not the machine),
    /// or on `cpus[i]` when given (a test puts two lanes on one core).
    package static func lanesTogether(_ lanes: Int, cpus: [Int]? = nil) -> Double? {
        guard lanes >= 2 else { return nil }
        let cpus = cpus ?? (try? Platform.allowedCPUs())
        let steps = opaqueSteps.load(ordering: .relaxed)
        var alone = Double.infinity
        for _ in 0..<rounds {
            let start = Platform.monotonicNanoseconds()
            sink.wrappingAdd(spin(steps, seed: start), ordering: .relaxed)
            alone = min(alone, Double(Platform.monotonicNanoseconds() &- start))
        }
        // The lanes meet before each round; the last to arrive notes the start and lets all
        // go. This thread only waits for them (a thread spinning here would take a core).
        let arrived = Atomic<Int>(0)
        let released = Atomic<Int>(0)
        let marks = Mutex<(starts: [UInt64], finishes: [(round: Int, at: UInt64)])>(
            ([UInt64](repeating: 0, count: rounds), []))
        let threads: [JoinableThread]
        do {
            threads = try (0..<lanes).map { lane in
                try JoinableThread {
                    if let cpus, !cpus.isEmpty { try? Platform.setAllowedCPUs([cpus[lane % cpus.count]]) }
                    for round in 1...rounds {
                        if arrived.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue == round * lanes {
                            let start = Platform.monotonicNanoseconds()
                            marks.withLock { $0.starts[round - 1] = start }
                            released.store(round, ordering: .releasing)
                        } else {
                            while released.load(ordering: .acquiring) < round { sched_yield() }
                        }
                        sink.wrappingAdd(
                            spin(steps, seed: Platform.monotonicNanoseconds() &+ UInt64(lane)), ordering: .relaxed)
                        let finish = Platform.monotonicNanoseconds()
                        marks.withLock { $0.finishes.append((round, finish)) }
                    }
                }
            }
        } catch {
            return nil
        }
        threads.forEach { $0.join() }
        let (starts, finishes) = marks.withLock { ($0.starts, $0.finishes) }
        let together =
            (1...rounds).compactMap { round -> Double? in
                finishes.filter { $0.round == round }.map(\.at).max().map { Double($0 &- starts[round - 1]) }
            }.min() ?? .infinity
        guard alone > 0, together.isFinite else { return nil }
        return together / alone
    }
}
