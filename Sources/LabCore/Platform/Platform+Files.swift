import Glibc

extension Platform {
    /// Creates a new file for writing; fails if it exists. Returns its descriptor, which the
    /// caller owns. The corresponding C function is `open(O_CREAT | O_EXCL)`.
    public static func createFile(atPath path: String, permissions: mode_t = 0o644) throws(SystemError) -> Int32 {
        while true {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
            if descriptor >= 0 { return descriptor }
            if errno == EINTR { continue }
            throw SystemError(call: "open", errno: errno)
        }
    }

    /// Creates one directory (not its parents); fails if it exists.
    /// The corresponding C function is `mkdir`.
    public static func makeDirectory(atPath path: String, permissions: mode_t = 0o755) throws(SystemError) {
        if mkdir(path, permissions) != 0 { throw SystemError(call: "mkdir", errno: errno) }
    }

    /// Removes an empty directory. The corresponding C function is `rmdir`.
    public static func removeDirectory(atPath path: String) {
        _ = rmdir(path)
    }
}
