// The lab reads /proc and uses Linux's prctl: it is a Linux tool, and Glibc is its libc.
import Glibc

/// A failed system call: which call, and the `errno` it left behind.
package struct SystemError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The name of the C function that failed, such as `read`.
    package let call: String
    /// The value of `errno` right after the failure.
    package let errno: Int32

    package init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// What the C library says `errno` means, such as `No such file or directory`.
    package var reason: String { String(cString: strerror(errno)) }

    package var description: String {
        "\(call) failed: \(reason) (errno \(errno))"
    }
}
