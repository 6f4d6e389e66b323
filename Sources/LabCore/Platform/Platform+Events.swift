import CLabSupport
import Glibc

extension Platform {
    /// What an epoll wait can report for a descriptor.
    package enum Readiness {
        // Linux's values (Swift's Glibc does not import <sys/epoll.h>).
        package static let readable: UInt32 = 0x001  // EPOLLIN
        package static let writable: UInt32 = 0x004  // EPOLLOUT
        /// The other side hung up, or the descriptor is in error: a read or write says which.
        package static let ended: UInt32 = 0x008 | 0x010 | 0x2000  // EPOLLERR, EPOLLHUP, EPOLLRDHUP
        static let peerClosed: UInt32 = 0x2000  // EPOLLRDHUP
        /// Reported once, then the descriptor must be watched again.
        static let once: UInt32 = 1 << 30  // EPOLLONESHOT
    }

    /// A new epoll descriptor (close-on-exec). The corresponding C function is `epoll_create1`.
    package static func makeEventQueue() throws(SystemError) -> Int32 {
        let queue = lab_epoll_create()
        if queue < 0 { throw SystemError(call: "epoll_create1", errno: errno) }
        return queue
    }

    /// Watches `descriptor` once for `events` under `token` (added, or changed if watched
    /// before). The corresponding C function is `epoll_ctl(EPOLL_CTL_MOD / EPOLL_CTL_ADD)`.
    package static func watchOnce(
        _ queue: Int32, _ descriptor: Int32, events: UInt32, token: UInt64
    ) throws(SystemError) {
        if lab_epoll_watch(queue, descriptor, events | Readiness.once | Readiness.peerClosed, token) != 0 {
            throw SystemError(call: "epoll_ctl", errno: errno)
        }
    }

    /// Stops watching `descriptor` (before it is closed, so that a later one of that number is
    /// not taken for it). The corresponding C function is `epoll_ctl(EPOLL_CTL_DEL)`.
    package static func forget(_ queue: Int32, _ descriptor: Int32) {
        _ = lab_epoll_forget(queue, descriptor)
    }

    /// Waits at most `timeoutMilliseconds` (-1: for ever) for watched descriptors to be ready.
    /// - Returns: each ready one's token and events; empty when the time ran out or a signal came.
    /// The corresponding C function is `epoll_wait`.
    package static func waitForEvents(
        _ queue: Int32, timeoutMilliseconds: Int32
    ) throws(SystemError) -> [(token: UInt64, events: UInt32)] {
        var tokens = [UInt64](repeating: 0, count: 256)
        var events = [UInt32](repeating: 0, count: 256)
        let count = lab_epoll_wait(queue, &tokens, &events, 256, timeoutMilliseconds)
        if count < 0 {
            if errno == EINTR { return [] }
            throw SystemError(call: "epoll_wait", errno: errno)
        }
        return (0..<Int(count)).map { (tokens[$0], events[$0]) }
    }

    /// An eventfd (non-blocking, close-on-exec) that wakes an epoll wait when it is bumped.
    /// The corresponding C function is `eventfd`.
    package static func makeEventCounter() throws(SystemError) -> Int32 {
        let counter = lab_event_counter()
        if counter < 0 { throw SystemError(call: "eventfd", errno: errno) }
        return counter
    }

    /// Adds 1 to an eventfd. The corresponding C function is `write`.
    package static func bump(_ counter: Int32) {
        var one: UInt64 = 1
        _ = Glibc.write(counter, &one, 8)
    }

    /// Empties an eventfd. The corresponding C function is `read`.
    package static func drain(_ counter: Int32) {
        var value: UInt64 = 0
        _ = Glibc.read(counter, &value, 8)
    }
}

extension Platform {
    /// Starts a non-blocking TCP connection to 127.0.0.1 (the loopback address, never another)
    /// at `port`.
    /// - Returns: the descriptor (non-blocking, close-on-exec; the caller owns it), and whether
    ///   the connection is still being made: then wait until it is writable, and ask
    ///   ``socketError(_:)`` how it went.
    /// The corresponding C functions are `socket(SOCK_NONBLOCK)` and `connect`.
    package static func startConnectingToLoopback(
        port: UInt16
    ) throws(SystemError) -> (descriptor: Int32, inProgress: Bool) {
        let descriptor = lab_socket_nonblocking_stream()
        if descriptor < 0 { throw SystemError(call: "socket", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if connected == 0 { return (descriptor, false) }
        if errno == EINPROGRESS || errno == EINTR { return (descriptor, true) }
        let error = SystemError(call: "connect", errno: errno)
        close(descriptor)
        throw error
    }

    /// How a non-blocking connection went, once its socket is writable: `nil` when it is made.
    /// The corresponding C function is `getsockopt(SO_ERROR)`.
    package static func socketError(_ descriptor: Int32) -> SystemError? {
        let error = lab_socket_error(descriptor)
        return error == 0 ? nil : SystemError(call: "connect", errno: error)
    }

    /// Accepts a connection on a non-blocking listening socket, itself non-blocking and
    /// close-on-exec; `nil` when none is waiting. The corresponding C function is `accept4`.
    package static func acceptIfWaiting(_ listening: Int32) throws(SystemError) -> Int32? {
        while true {
            let connection = lab_accept_nonblocking(listening)
            if connection >= 0 { return connection }
            if errno == EINTR || errno == ECONNABORTED { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
            throw SystemError(call: "accept4", errno: errno)
        }
    }

    /// Reads what is there from a non-blocking descriptor: the count (0 at the end), or `nil`
    /// when nothing is there yet. The corresponding C function is `read`.
    package static func readIfReady(
        _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer
    ) throws(SystemError) -> Int? {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
            throw SystemError(call: "read", errno: errno)
        }
    }

    /// Writes what fits now to a non-blocking socket: the count, 0 when nothing fits yet.
    /// Never raises SIGPIPE. The corresponding C function is `send(MSG_NOSIGNAL)`.
    package static func sendIfReady(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) throws(SystemError) -> Int {
        while true {
            let count = Glibc.send(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return count }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return 0 }
            throw SystemError(call: "send", errno: errno)
        }
    }

    /// Makes a descriptor non-blocking. The corresponding C function is `fcntl(F_SETFL, O_NONBLOCK)`.
    package static func makeNonBlocking(_ descriptor: Int32) throws(SystemError) {
        let flags = fcntl(descriptor, F_GETFL)
        if flags < 0 || fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) != 0 {
            throw SystemError(call: "fcntl", errno: errno)
        }
    }
}
