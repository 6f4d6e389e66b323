import Glibc

extension Platform {
    /// Creates a new file for writing; fails if it exists. Returns its descriptor, which the
    /// caller owns. The corresponding C function is `open(O_CREAT | O_EXCL)`.
    package static func createFile(atPath path: String, permissions: mode_t = 0o644) throws(SystemError) -> Int32 {
        while true {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
            if descriptor >= 0 { return descriptor }
            if errno == EINTR { continue }
            throw SystemError(call: "open", errno: errno)
        }
    }

    /// Opens an existing file for writing at its end, without truncating it (a run that
    /// resumes appends to its files). The corresponding C function is `open(O_WRONLY)`.
    package static func openForAppending(atPath path: String) throws(SystemError) -> Int32 {
        while true {
            let descriptor = open(path, O_WRONLY | O_CLOEXEC)
            if descriptor >= 0 {
                guard lseek(descriptor, 0, SEEK_END) >= 0 else {
                    let error = SystemError(call: "lseek", errno: errno)
                    close(descriptor)
                    throw error
                }
                return descriptor
            }
            if errno == EINTR { continue }
            throw SystemError(call: "open", errno: errno)
        }
    }

    /// Creates one directory (not its parents); fails if it exists.
    /// The corresponding C function is `mkdir`.
    package static func makeDirectory(atPath path: String, permissions: mode_t = 0o755) throws(SystemError) {
        if mkdir(path, permissions) != 0 { throw SystemError(call: "mkdir", errno: errno) }
    }

    /// Removes an empty directory. The corresponding C function is `rmdir`.
    package static func removeDirectory(atPath path: String) {
        _ = rmdir(path)
    }
}

extension Platform {
    /// Creates and opens a new private file (mode 0600) from a template ending in `XXXXXX`.
    /// - Returns: the descriptor (the caller owns it) and the file's path.
    /// The corresponding C function is `mkstemp`.
    package static func makeTemporaryFile(template: String) throws(SystemError) -> (descriptor: Int32, path: String) {
        var name = Array(template.utf8CString)
        let descriptor = name.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if descriptor < 0 { throw SystemError(call: "mkstemp", errno: errno) }
        return (descriptor, String(decoding: name.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// Flushes a file's data to its device. The corresponding C function is `fsync`.
    package static func synchronize(_ descriptor: Int32) throws(SystemError) {
        if fsync(descriptor) != 0 { throw SystemError(call: "fsync", errno: errno) }
    }

    /// Moves a file's offset to its start. The corresponding C function is `lseek`.
    package static func rewind(_ descriptor: Int32) throws(SystemError) {
        if lseek(descriptor, 0, SEEK_SET) < 0 { throw SystemError(call: "lseek", errno: errno) }
    }

    /// Removes a file's name. The corresponding C function is `unlink`.
    package static func removeFile(atPath path: String) {
        _ = unlink(path)
    }

    /// The folder for temporary files: `$TMPDIR`, or `/tmp`.
    package static var temporaryDirectory: String {
        environmentValue("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }
}

extension Platform {
    /// Replaces (or creates) a file whole: writes a temporary file beside it, then renames it
    /// over the old one, so a reader sees the old file or the new one, never half of one.
    /// The corresponding C functions are `open`, `write` and `rename`.
    package static func replaceFile(atPath path: String, with bytes: [UInt8]) throws(SystemError) {
        let temporary = "\(path).tmp-\(processID)"
        let descriptor = try createFile(atPath: temporary)
        do {
            try writeAll(descriptor, bytes)
            close(descriptor)
        } catch {
            close(descriptor)
            removeFile(atPath: temporary)
            throw error
        }
        if rename(temporary, path) != 0 {
            let error = SystemError(call: "rename", errno: errno)
            removeFile(atPath: temporary)
            throw error
        }
    }
}

extension Platform {
    /// Cuts the file open as `descriptor` to `length` bytes (and moves its offset there, for
    /// a file opened to append), so that a write that failed halfway leaves nothing of itself.
    /// The corresponding C functions are `ftruncate` and `lseek`.
    package static func truncate(_ descriptor: Int32, toLength length: Int) throws(SystemError) {
        while ftruncate(descriptor, off_t(length)) != 0 {
            if errno == EINTR { continue }
            throw SystemError(call: "ftruncate", errno: errno)
        }
        guard lseek(descriptor, off_t(length), SEEK_SET) >= 0 else { throw SystemError(call: "lseek", errno: errno) }
    }

    /// Opens an existing file for reading. The corresponding C function is `open(O_RDONLY)`.
    package static func openForReading(_ path: String) throws(SystemError) -> Int32 {
        while true {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            if descriptor >= 0 { return descriptor }
            if errno == EINTR { continue }
            throw SystemError(call: "open", errno: errno)
        }
    }

    /// The names in a directory, without `.` and `..`. Each name is read up to its NUL
    /// through a pointer: a `dirent` record is only as long as its name, so copying the
    /// declared 256-byte field could read past the end of readdir's buffer.
    /// The corresponding C functions are `opendir` and `readdir`.
    package static func directoryEntries(_ path: String) throws(SystemError) -> [String] {
        guard let directory = opendir(path) else { throw SystemError(call: "opendir", errno: errno) }
        defer { closedir(directory) }
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = String(cString: UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self))
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// How many descriptors this process has open (`/proc/self/fd`, less the one that
    /// reading it takes).
    package static func openDescriptorCount() throws(SystemError) -> Int {
        try directoryEntries("/proc/self/fd").count - 1
    }

    /// This process's limit on open descriptors. The corresponding C function is
    /// `getrlimit(RLIMIT_NOFILE)`.
    package static func openFileLimit() throws(SystemError) -> (soft: Int, hard: Int) {
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) != 0 { throw SystemError(call: "getrlimit", errno: errno) }
        return (Int(clamping: limit.rlim_cur), Int(clamping: limit.rlim_max))
    }

    /// Sets the limit on open descriptors. The corresponding C function is `setrlimit(RLIMIT_NOFILE)`.
    package static func setOpenFileLimit(soft: Int, hard: Int) throws(SystemError) {
        var limit = rlimit(rlim_cur: rlim_t(soft), rlim_max: rlim_t(hard))
        if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) != 0 { throw SystemError(call: "setrlimit", errno: errno) }
    }
}

extension Platform {
    /// Opens a file that may come from anyone for reading: a symbolic link as the last part
    /// of the path fails (`ELOOP`) instead of being followed, and a FIFO opens without
    /// waiting for a writer. The corresponding C function is `open(O_RDONLY | O_NOFOLLOW | O_NONBLOCK)`.
    package static func openUntrustedForReading(_ path: String) throws(SystemError) -> Int32 {
        while true {
            let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            if descriptor >= 0 { return descriptor }
            if errno == EINTR { continue }
            throw SystemError(call: "open", errno: errno)
        }
    }

    /// Whether an open file is a regular file, and its size in bytes.
    /// The corresponding C function is `fstat`.
    package static func fileKind(_ descriptor: Int32) throws(SystemError) -> (isRegular: Bool, size: Int) {
        var status = stat()
        if fstat(descriptor, &status) != 0 { throw SystemError(call: "fstat", errno: errno) }
        return ((status.st_mode & S_IFMT) == S_IFREG, Int(status.st_size))
    }

    /// Reads an open file to its end, but never more than `limit` bytes.
    /// - Returns: the bytes, or `nil` when the file holds more than `limit`.
    package static func readAll(_ descriptor: Int32, limit: Int) throws(SystemError) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let attempt = chunk.withUnsafeMutableBytes { buffer in Result { () throws(SystemError) in try Platform.read(descriptor, into: buffer) } }
            let count = try attempt.get()
            if count == 0 { return bytes }
            if bytes.count + count > limit { return nil }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}
