// The lab reads /proc and uses Linux's prctl: it is a Linux tool, and Glibc is its libc.
import Glibc

/// A failed system call: which call, and the `errno` it left behind.
public struct SystemError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The name of the C function that failed, such as `read`.
    public let call: String
    /// The value of `errno` right after the failure.
    public let errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// What the C library says `errno` means, such as `No such file or directory`.
    public var reason: String { String(cString: strerror(errno)) }

    public var description: String {
        "\(call) failed: \(reason) (errno \(errno))"
    }
}
