import Synchronization

/// The lab's event loop: one thread waiting in `epoll` on every descriptor a task is waiting
/// for, and on timers, and calling back (or resuming the waiting Swift task) when one is
/// ready. What Python's asyncio loop and SwiftNIO's `EventLoop` do, in the small: a thousand
/// downloads in flight wait on one thread instead of a thousand.
///
/// Two ways in, both from any thread:
/// - `await readable(fd)` / `await writable(fd)` suspend a Swift task until the descriptor
///   is ready (cancelling the task ends the wait with `CancellationError`);
/// - ``watch(_:events:_:)`` and ``after(seconds:_:)`` call a closure on the loop's thread,
///   for code written as callbacks (the image server).
///
/// A descriptor is watched once per call (`EPOLLONESHOT`), by one waiter at a time. Call
/// ``forget(_:)`` before closing a descriptor that was watched.
package final class EventLoop: Sendable {
    /// The loop of this process, started the first time it is used; its thread never ends.
    package static var shared: EventLoop {
        get throws(SystemError) {
            try sharedLoop.withLock { (loop: inout EventLoop?) throws(SystemError) -> EventLoop in
                if let loop { return loop }
                let made = try EventLoop()
                loop = made
                return made
            }
        }
    }
    private static let sharedLoop = Mutex<EventLoop?>(nil)

    private struct Waiter {
        let id: UInt64
        let descriptor: Int32
        let call: @Sendable (_ events: UInt32) -> Void
    }

    private struct Timer {
        let deadline: Double
        let id: UInt64
        let call: @Sendable () -> Void
    }

    private struct State {
        var nextID: UInt64 = 1
        /// Each watched descriptor's one waiter, by descriptor.
        var waiters: [Int32: Waiter] = [:]
        /// Timers by deadline (a binary heap).
        var timers: [Timer] = []
        var stopped = false
    }

    private let queue: Int32
    private let wake: Int32
    private let state = Mutex(State())
    private let thread = Mutex<JoinableThread?>(nil)
    private let loopThread = Atomic<UInt>(0)

    /// Starts a loop on a thread of its own.
    package init() throws(SystemError) {
        queue = try Platform.makeEventQueue()
        do {
            wake = try Platform.makeEventCounter()
        } catch {
            Platform.close(queue)
            throw error
        }
        do {
            try Platform.watchOnce(queue, wake, events: Platform.Readiness.readable, token: 0)
            let started = try JoinableThread { [self] in run() }
            thread.withLock { $0 = started }
        } catch {
            Platform.close(wake)
            Platform.close(queue)
            throw error
        }
    }

    /// Ends the loop and joins its thread; waiters left are never called. Not for ``shared``.
    package func stop() {
        state.withLock { $0.stopped = true }
        Platform.bump(wake)
        thread.withLock { $0 }?.join()
        Platform.close(wake)
        Platform.close(queue)
    }

    /// Whether the caller runs on the loop's thread.
    package var isLoopThread: Bool { loopThread.load(ordering: .acquiring) == Platform.threadID }

    // MARK: Callbacks

    /// Calls `call` on the loop's thread once `descriptor` is ready for `events`
    /// (``Platform/Readiness``), or has ended; it is told which events came.
    /// - Returns: an ID that ``cancel(_:)`` takes.
    @discardableResult
    package func watch(
        _ descriptor: Int32, events: UInt32, _ call: @escaping @Sendable (_ events: UInt32) -> Void
    ) throws(SystemError) -> UInt64 {
        let id = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.waiters[descriptor] = Waiter(id: id, descriptor: descriptor, call: call)
            return id
        }
        do {
            try Platform.watchOnce(
                queue, descriptor, events: events, token: UInt64(UInt32(bitPattern: descriptor)) | id << 32)
        } catch {
            state.withLock { state in
                if state.waiters[descriptor]?.id == id { state.waiters[descriptor] = nil }
            }
            throw error
        }
        return id
    }

    /// Calls `call` on the loop's thread after `seconds`.
    package func after(seconds: Double, _ call: @escaping @Sendable () -> Void) {
        let earliest = state.withLock { state -> Bool in
            let timer = Timer(deadline: Platform.monotonicSeconds() + max(seconds, 0), id: state.nextID, call: call)
            state.nextID += 1
            state.timers.append(timer)
            EventLoop.siftUp(&state.timers, from: state.timers.count - 1)
            return state.timers[0].id == timer.id
        }
        // The loop may be asleep until a later deadline: wake it to take this one.
        if earliest && !isLoopThread { Platform.bump(wake) }
    }

    /// Stops watching `descriptor` and drops its waiter without calling it. Call it before
    /// closing a watched descriptor.
    package func forget(_ descriptor: Int32) {
        state.withLock { _ = $0.waiters.removeValue(forKey: descriptor) }
        Platform.forget(queue, descriptor)
    }

    // MARK: Swift tasks

    /// Suspends until `descriptor` can be read (or has ended).
    /// - Throws: `CancellationError` when the task is cancelled meanwhile.
    package func readable(_ descriptor: Int32) async throws {
        try await ready(descriptor, events: Platform.Readiness.readable)
    }

    /// Suspends until `descriptor` can be written (or has ended).
    /// - Throws: `CancellationError` when the task is cancelled meanwhile.
    package func writable(_ descriptor: Int32) async throws {
        try await ready(descriptor, events: Platform.Readiness.writable)
    }

    private func ready(_ descriptor: Int32, events: UInt32) async throws {
        let waiting = Mutex<UInt64?>(nil)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                do throws(SystemError) {
                    let id = try watch(descriptor, events: events) { _ in continuation.resume() }
                    waiting.withLock { $0 = id }
                    // Cancelled before the ID was known: the handler below could not find it.
                    if Task.isCancelled { cancelled(descriptor, id: id) }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            if let id = waiting.withLock({ $0 }) { cancelled(descriptor, id: id) }
        }
        try Task.checkCancellation()
    }

    /// A cancelled wait: takes its waiter away from the loop and calls it with no events, so
    /// the task resumes now and finds itself cancelled. Whoever removes a waiter calls it: the
    /// loop or this, never both.
    private func cancelled(_ descriptor: Int32, id: UInt64) {
        let waiter = state.withLock { state -> Waiter? in
            guard let waiter = state.waiters[descriptor], waiter.id == id else { return nil }
            state.waiters[descriptor] = nil
            return waiter
        }
        waiter?.call(0)
    }

    // MARK: The loop

    private func run() {
        loopThread.store(Platform.threadID, ordering: .releasing)
        while true {
            let timeout = state.withLock { state -> Int32? in
                if state.stopped { return nil }
                guard let first = state.timers.first else { return -1 }
                let left = first.deadline - Platform.monotonicSeconds()
                return left <= 0 ? 0 : Int32(min((left * 1000).rounded(.up), 60_000))
            }
            guard let timeout else { return }
            let ready = (try? Platform.waitForEvents(queue, timeoutMilliseconds: timeout)) ?? []
            var calls: [(Waiter, UInt32)] = []
            state.withLock { state in
                for (token, events) in ready {
                    if token == 0 { continue }
                    let descriptor = Int32(bitPattern: UInt32(truncatingIfNeeded: token))
                    // The waiter this event was armed for, not a later one of the same number.
                    guard let waiter = state.waiters[descriptor], waiter.id == token >> 32 else { continue }
                    state.waiters[descriptor] = nil
                    calls.append((waiter, events))
                }
            }
            if ready.contains(where: { $0.token == 0 }) {
                Platform.drain(wake)
                try? Platform.watchOnce(queue, wake, events: Platform.Readiness.readable, token: 0)
            }
            for (waiter, events) in calls { waiter.call(events) }
            let now = Platform.monotonicSeconds()
            let due = state.withLock { state -> [Timer] in
                var due: [Timer] = []
                while let first = state.timers.first, first.deadline <= now {
                    due.append(EventLoop.popFirst(&state.timers))
                }
                return due
            }
            for timer in due { timer.call() }
        }
    }

    private static func siftUp(_ heap: inout [Timer], from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private static func popFirst(_ heap: inout [Timer]) -> Timer {
        let first = heap[0]
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            if smallest == parent { return first }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
