import Dispatch
import Synchronization

/// The most threads this process has at once while a repetition runs: a thread that wakes
/// every `interval` and reads the count from /proc/self/stat (one short read; the kernel keeps
/// no peak of its own), and the lab's own threads counted where they start
/// (``JoinableThread/peak``), so that a pool too short for two samples is still counted. A
/// thread pool's threads, the cooperative pool's and the event loop's all show; the sampler's
/// own thread is not counted.
package final class ThreadCountSampler: Sendable {
    /// The highest count seen; 0 until a reading.
    private final class Peak: Sendable {
        let value = Atomic<Int>(0)

        /// Reads the count now, less the sampler's own thread.
        func sample() {
            if let count = Platform.threadCount() { value.max(count - 1) }
        }
    }

    private let peak = Peak()
    private let finished = DispatchSemaphore(value: 0)
    private let thread: JoinableThread?
    /// The process's threads, and the lab's own, as sampling started (the sampler's not yet).
    private let threadsAtStart: Int?
    private let ownAtStart: Int

    /// Starts sampling; `nil` readings (no /proc) leave the peak unknown.
    package init(interval: Double = 0.005) {
        threadsAtStart = Platform.threadCount()
        ownAtStart = JoinableThread.resetPeak()
        let peak = peak
        let finished = finished
        thread = try? JoinableThread {
            peak.sample()
            while finished.wait(timeout: .now() + interval) == .timedOut { peak.sample() }
            peak.sample()
        }
    }

    /// Stops sampling; the peak, or `nil` when none could be read: the most threads a sample
    /// saw, or the threads there at the start plus the most of the lab's own started since
    /// (the sampler not counted), whichever is more.
    package func stop() -> Int? {
        finished.signal()
        thread?.join()
        let sampled = peak.value.load(ordering: .acquiring)
        guard let threadsAtStart, thread != nil, sampled > 0 else { return nil }
        let ownPeak = JoinableThread.peak.load(ordering: .acquiring) - 1
        return max(sampled, threadsAtStart + max(ownPeak - ownAtStart, 0))
    }
}

extension Atomic where Value == Int {
    /// Raises the value to `candidate` when that is larger.
    fileprivate func max(_ candidate: Int) {
        var current = load(ordering: .relaxed)
        while candidate > current {
            let (exchanged, original) = compareExchange(expected: current, desired: candidate, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
