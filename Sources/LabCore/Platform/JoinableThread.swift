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

    /// Starts a thread running `body`.
    /// - Throws: ``SystemError`` when the thread cannot be created.
    /// The corresponding C function is `pthread_create`.
    package init(_ body: @escaping @Sendable () -> Void) throws(SystemError) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(&handle, nil, { context in
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            body.run()
            return nil
        }, context)
        if status != 0 {
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
