import Glibc

extension Platform {
    /// Creates a new file for writing; fails if it exists (or is a link). Returns its
    /// descriptor, which the caller owns. With `appending`, every write goes to the file's end
    /// whatever another writer did (`O_APPEND`). The corresponding C function is
    /// `open(O_CREAT | O_EXCL)`.
    package static func createFile(
        atPath path: String, permissions: mode_t = 0o644, appending: Bool = false
    ) throws(SystemError) -> Int32 {
        while true {
            let descriptor = open(
                path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | (appending ? O_APPEND : 0), permissions)
            if descriptor >= 0 { return descriptor }
            if errno == EINTR { continue }
            throw SystemError(call: "open", errno: errno)
        }
    }

    /// Opens an existing file to append to it, without truncating it (a run that resumes
    /// appends to its files): every write goes to the end (`O_APPEND`), and a link is not
    /// followed. The corresponding C function is `open(O_WRONLY | O_APPEND | O_NOFOLLOW)`.
    package static func openForAppending(atPath path: String) throws(SystemError) -> Int32 {
        while true {
            let descriptor = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
            if descriptor >= 0 { return descriptor }
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
    /// Replaces (or creates) a file whole and durably: writes a temporary file beside it
    /// under an unpredictable name (`<name>.tmp-XXXXXX`), flushes it to the device, renames it
    /// over the old one and flushes the folder, so that a reader sees the old file or the new
    /// one, never half of one, and a power cut after the return leaves the new one.
    /// The corresponding C functions are `mkstemp`, `write`, `fsync`, `close` and `rename`.
    package static func replaceFile(atPath path: String, with bytes: [UInt8]) throws(SystemError) {
        let (descriptor, temporary) = try makeTemporaryFile(template: "\(path)\(temporaryInfix)XXXXXX")
        do throws(SystemError) {
            // mkstemp makes the file 0600; the lab's files are readable like any other.
            if fchmod(descriptor, 0o644) != 0 { throw SystemError(call: "fchmod", errno: errno) }
            try writeAll(descriptor, bytes)
            try synchronize(descriptor)
        } catch {
            close(descriptor)
            removeFile(atPath: temporary)
            throw error
        }
        do throws(SystemError) {
            try closeChecked(descriptor)
        } catch {
            removeFile(atPath: temporary)
            throw error
        }
        if rename(temporary, path) != 0 {
            let error = SystemError(call: "rename", errno: errno)
            removeFile(atPath: temporary)
            throw error
        }
        try synchronizeFolder(containing: path)
    }

    /// What stands between a file's name and the random part of its temporary's name.
    package static let temporaryInfix = ".tmp-"

    /// Closes a descriptor the caller wrote through, and says whether the close failed (on
    /// some file systems the last write error comes from `close`). The corresponding C
    /// function is `close`; `EINTR` is not retried, as the descriptor is gone on Linux.
    package static func closeChecked(_ descriptor: Int32) throws(SystemError) {
        if Glibc.close(descriptor) != 0 && errno != EINTR { throw SystemError(call: "close", errno: errno) }
    }

    /// Flushes the folder that holds `path` to the device, so that a rename or a new name in
    /// it survives a power cut. The corresponding C functions are `open(O_DIRECTORY)` and `fsync`.
    package static func synchronizeFolder(containing path: String) throws(SystemError) {
        let folder = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemError(call: "open", errno: errno) }
        defer { close(descriptor) }
        try synchronize(descriptor)
    }
}

extension Platform {
    /// Takes an exclusive lock on a folder for as long as the returned descriptor stays open
    /// (the process's end releases it too), without waiting: `nil` when another open of the
    /// folder holds it. Nothing is written into the folder. The corresponding C function is
    /// `flock(LOCK_EX | LOCK_NB)` on the folder's own descriptor.
    package static func lockFolder(_ path: String) throws(SystemError) -> Int32? {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemError(call: "open", errno: errno) }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let error = errno
            close(descriptor)
            if error == EWOULDBLOCK { return nil }
            throw SystemError(call: "flock", errno: error)
        }
        return descriptor
    }

    /// The process that holds a `flock` lock on the folder at `path`, from `/proc/locks`
    /// (matched by the folder's inode), or `nil` when none can be found.
    package static func lockHolder(ofFolder path: String) -> Int32? {
        var status = stat()
        guard stat(path, &status) == 0, let locks = readSmallFile("/proc/locks") else { return nil }
        // `1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF`
        for line in locks.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 6, fields[1] == "FLOCK", let device = fields.dropFirst(5).first,
                device.split(separator: ":").last == Substring(String(status.st_ino))
            else { continue }
            return Int32(fields[4])
        }
        return nil
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
        try listing(path).names
    }

    /// The names in folder `path`, and the descriptor that listing them took (closed again
    /// on return; it shows among the names when `path` is `/proc/self/fd`).
    private static func listing(_ path: String) throws(SystemError) -> (names: [String], descriptor: Int32) {
        guard let directory = opendir(path) else { throw SystemError(call: "opendir", errno: errno) }
        defer { closedir(directory) }
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = String(
                cString: UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self))
            if name != "." && name != ".." { names.append(name) }
        }
        return (names, dirfd(directory))
    }

    /// How many descriptors this process has open (`/proc/self/fd`, less the one that
    /// reading it takes).
    package static func openDescriptorCount() throws(SystemError) -> Int {
        try directoryEntries("/proc/self/fd").count - 1
    }

    /// How many of this process's memory mappings name `name` (`/proc/self/maps`), such as
    /// `memfd:lab-worker` for the shared regions of `shm` workers.
    package static func mappingCount(naming name: String) throws(SystemError) -> Int {
        try readFile(atPath: "/proc/self/maps").split(separator: "\n").filter { $0.contains(name) }.count
    }

    /// The highest descriptor number this process has open (`/proc/self/fd`), or nil when
    /// it holds none beyond the one that reading the folder takes.
    package static func highestOpenDescriptor() throws(SystemError) -> Int32? {
        let (names, own) = try listing("/proc/self/fd")
        return names.compactMap { Int32($0) }.filter { $0 != own }.max()
    }

    /// This process's limit on open descriptors. The corresponding C function is
    /// `getrlimit(RLIMIT_NOFILE)`.
    package static func openFileLimit() throws(SystemError) -> (soft: Int, hard: Int) {
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) != 0 {
            throw SystemError(call: "getrlimit", errno: errno)
        }
        return (Int(clamping: limit.rlim_cur), Int(clamping: limit.rlim_max))
    }

    /// Sets the limit on open descriptors. The corresponding C function is `setrlimit(RLIMIT_NOFILE)`.
    package static func setOpenFileLimit(soft: Int, hard: Int) throws(SystemError) {
        var limit = rlimit(rlim_cur: rlim_t(soft), rlim_max: rlim_t(hard))
        if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) != 0 {
            throw SystemError(call: "setrlimit", errno: errno)
        }
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
        var chunk = [UInt8](unwrittenCount: 65536)
        while true {
            let attempt = chunk.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemError) in try Platform.read(descriptor, into: buffer) }
            }
            let count = try attempt.get()
            if count == 0 { return bytes }
            if bytes.count + count > limit { return nil }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}

extension Platform {
    /// A process's command line, its arguments joined by spaces (`/proc/<pid>/cmdline`), or
    /// `nil` when it cannot be read (the process ended, or is another user's).
    package static func commandLine(of processID: Int32) -> String? {
        guard let text = readSmallFile("/proc/\(processID)/cmdline"), !text.isEmpty else { return nil }
        return text.split(separator: "\u{0}").joined(separator: " ")
    }

    /// The device and inode of the file or folder at `path` (following links), which say
    /// whether two paths name one thing. The corresponding C function is `stat`.
    package static func fileIdentity(_ path: String) -> (device: UInt64, inode: UInt64)? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return (UInt64(status.st_dev), UInt64(status.st_ino))
    }
}
