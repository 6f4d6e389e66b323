import Glibc
import Synchronization

/// A POSIX thread that runs one closure and can be joined, so that no pool thread outlives
/// the cell it served. Foundation's `Thread` cannot be joined.
package final class JoinableThread: Sendable {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    private let handle: pthread_t
    private let joined = Atomic<Bool>(false)

    /// How many of these threads run now, and the most that ran at once since
    /// ``resetPeak()``: the lab's own threads counted where they start, so that a pool too
    /// short for a sampler to see is still counted.
    package static let live = Atomic<Int>(0)
    package static let peak = Atomic<Int>(0)

    /// Starts a new peak from the threads running now; returns how many that is.
    @discardableResult
    package static func resetPeak() -> Int {
        let now = live.load(ordering: .acquiring)
        peak.store(now, ordering: .releasing)
        return now
    }

    /// Starts a thread running `body`.
    /// - Throws: ``SystemError`` when the thread cannot be created.
    /// The corresponding C function is `pthread_create`.
    package init(_ body: @escaping @Sendable () -> Void) throws(SystemError) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var handle = pthread_t()
        // Counted before it starts, so that the peak never misses it; uncounted as it ends.
        let running = JoinableThread.live.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        var seen = JoinableThread.peak.load(ordering: .relaxed)
        while running > seen {
            let (exchanged, original) = JoinableThread.peak.compareExchange(
                expected: seen, desired: running, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
        let status = pthread_create(
            &handle, nil,
            { context in
                let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
                body.run()
                JoinableThread.live.wrappingSubtract(1, ordering: .acquiringAndReleasing)
                return nil
            }, context)
        if status != 0 {
            JoinableThread.live.wrappingSubtract(1, ordering: .acquiringAndReleasing)
            Unmanaged<Body>.fromOpaque(context).release()
            throw SystemError(call: "pthread_create", errno: status)
        }
        self.handle = handle
    }

    /// Waits for the thread to finish. Joining twice is harmless.
    /// The corresponding C function is `pthread_join`.
    package func join() {
        guard !joined.exchange(true, ordering: .acquiringAndReleasing) else { return }
        pthread_join(handle, nil)
    }

    deinit {
        join()
    }
}
