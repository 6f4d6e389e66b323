/// Where a crossing happens: it does not hold at `below` and holds at `size` (the
/// smallest such size measured), or it held from the first size, or never.
package struct CrossoverFinding: Sendable {
    /// What a scan looks for, each a predicate that should turn true as the size grows.
    package enum Crossing: String, Sendable, CaseIterable {
        /// The thread pool is faster than sequential code.
        case threadsBeatSequential = "threads beat sequential"
        /// The process pool (start-up included) is faster than sequential code.
        case processesBeatSequential = "processes beat sequential"
        /// The process pool is no more than `tolerance` slower than the thread pool.
        case processesCatchThreads = "processes catch up with threads"
    }

    package enum Where: Sendable, Equatable {
        case between(below: Int, size: Int)
        case fromTheStart(size: Int)
        case never(upTo: Int)
    }

    package var crossing: Crossing
    package var location: Where

    package init(crossing: Crossing, location: Where) {
        self.crossing = crossing
        self.location = location
    }
}
