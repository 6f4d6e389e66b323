import CLabSupport
import Glibc

extension Platform {
    /// Opens a TCP socket listening on 127.0.0.1 (the loopback address, never another) at a
    /// free port the kernel picks.
    /// - Returns: the listening descriptor (the caller owns it) and the port.
    /// The corresponding C functions are `socket`, `bind`, `listen` and `getsockname`.
    package static func listenOnLoopback(backlog: Int32 = 128) throws(SystemError) -> (descriptor: Int32, port: UInt16)
    {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if descriptor < 0 { throw SystemError(call: "socket", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if bound != 0 {
            let error = SystemError(call: "bind", errno: errno)
            close(descriptor)
            throw error
        }
        if Glibc.listen(descriptor, backlog) != 0 {
            let error = SystemError(call: "listen", errno: errno)
            close(descriptor)
            throw error
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        if named != 0 {
            let error = SystemError(call: "getsockname", errno: errno)
            close(descriptor)
            throw error
        }
        return (descriptor, UInt16(bigEndian: address.sin_port))
    }

    /// Opens a TCP connection to 127.0.0.1 (the loopback address, never another) at `port`.
    /// - Returns: the connected descriptor, closed on exec; the caller owns it.
    /// The corresponding C functions are `socket` and `connect`.
    package static func connectToLoopback(port: UInt16) throws(SystemError) -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if descriptor < 0 { throw SystemError(call: "socket", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        while true {
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if connected == 0 { return descriptor }
            if errno == EINTR { continue }
            let error = SystemError(call: "connect", errno: errno)
            close(descriptor)
            throw error
        }
    }

    /// Waits for the next connection on a listening socket; the caller owns the result, which
    /// is closed on exec from the start so that worker processes never inherit it.
    /// The corresponding C function is `accept4(SOCK_CLOEXEC)`.
    package static func accept(_ listening: Int32) throws(SystemError) -> Int32 {
        while true {
            let connection = lab_accept_closed_on_exec(listening)
            if connection >= 0 { return connection }
            if errno == EINTR || errno == ECONNABORTED { continue }
            throw SystemError(call: "accept", errno: errno)
        }
    }

    /// Sends every byte on a socket, never raising SIGPIPE (a closed peer is an `EPIPE` error).
    /// The corresponding C function is `send(MSG_NOSIGNAL)`.
    package static func sendAll(_ socket: Int32, _ bytes: [UInt8]) throws(SystemError) {
        let result = bytes.withUnsafeBytes { buffer -> SystemError? in
            var offset = 0
            while offset < buffer.count {
                let count = send(socket, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if count >= 0 {
                    offset += count
                } else if errno != EINTR {
                    return SystemError(call: "send", errno: errno)
                }
            }
            return nil
        }
        if let result { throw result }
    }

    /// Creates a connected pair of Unix stream sockets (close-on-exec). The corresponding C
    /// function is `socketpair`.
    package static func makeSocketPair(type: __socket_type = SOCK_STREAM) throws(SystemError) -> (Int32, Int32) {
        var descriptors: [Int32] = [-1, -1]
        if socketpair(AF_UNIX, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &descriptors) != 0 {
            throw SystemError(call: "socketpair", errno: errno)
        }
        return (descriptors[0], descriptors[1])
    }

    /// Stops reads and writes on a socket, waking any thread blocked on it.
    /// The corresponding C function is `shutdown`.
    package static func shutdownSocket(_ socket: Int32) {
        _ = Glibc.shutdown(socket, Int32(SHUT_RDWR))
    }

    /// Sends `bytes` as one message on a Unix socket with `descriptors` attached (the receiver
    /// gets copies of them). The corresponding C function is `sendmsg` with `SCM_RIGHTS`.
    package static func sendMessage(_ socket: Int32, _ bytes: [UInt8], descriptors: [Int32]) throws(SystemError) {
        let sent = bytes.withUnsafeBytes { buffer in
            descriptors.withUnsafeBufferPointer {
                lab_send_with_descriptors(
                    socket, buffer.baseAddress, UInt(buffer.count), $0.baseAddress, Int32($0.count))
            }
        }
        if sent < 0 { throw SystemError(call: "sendmsg", errno: errno) }
    }

    /// Receives one message of at most `capacity` bytes and at most `maximumDescriptors`
    /// descriptors from a Unix socket; no bytes at the end of the stream.
    /// The corresponding C function is `recvmsg`.
    package static func receiveMessage(
        _ socket: Int32, capacity: Int, maximumDescriptors: Int
    ) throws(SystemError) -> (bytes: ArraySlice<UInt8>, descriptors: [Int32]) {
        var descriptors = [Int32](repeating: -1, count: maximumDescriptors)
        var count: Int32 = 0
        var received = 0
        var failure: Int32 = 0
        // Not zeroed first: only the bytes the kernel writes are touched. In the fork server,
        // every page written after a fork is a copy-on-write fault, and zeroing 64 KiB for
        // each request cost 16 of them (about 50 us a worker on the 2-core VM).
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            received = descriptors.withUnsafeMutableBufferPointer {
                lab_receive_with_descriptors(
                    socket, buffer.baseAddress, UInt(buffer.count), $0.baseAddress, Int32($0.count), &count)
            }
            if received < 0 { failure = errno }
            initialized = max(received, 0)
        }
        if received < 0 { throw SystemError(call: "recvmsg", errno: failure) }
        return (bytes[...], Array(descriptors.prefix(Int(count))))
    }

    /// Shuts the writing side of a socket: the peer reads the end of the stream, and can
    /// still answer. The corresponding C function is `shutdown(SHUT_WR)`.
    package static func shutdownWriting(_ socket: Int32) {
        _ = shutdown(socket, Int32(SHUT_WR))
    }
}
