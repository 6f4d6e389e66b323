// The lab reads /proc and uses Linux's prctl: it is a Linux tool, and Glibc is its libc.
import Glibc
import CLabSupport

/// Every system call of the lab lives here, in this file and its extensions by subject
/// (`Platform+Files`, `+Memory`, `+Processes`, `+Sockets`, `+Usage`), behind small typed
/// wrappers that retry `EINTR` and throw ``SystemError``: the rest of the code never checks
/// `-1` itself. Outside it the lab calls only C functions that ask nothing of the kernel
/// (`log`, `erfc`, `gmtime_r`, `timegm`) and the atomics and fences on shared memory that
/// `CLabSupport` gives the rings. It is the package's, not public: a package of your own
/// needs none of it.
package enum Platform {
    /// The process ID of the calling process. The corresponding C function is `getpid`.
    package static var processID: Int32 { getpid() }

    /// The calling thread's handle, unique in this process while the thread lives. The
    /// corresponding C function is `pthread_self`.
    package static var threadID: UInt { UInt(pthread_self()) }

    /// The process ID of the parent. The corresponding C function is `getppid`.
    package static var parentProcessID: Int32 { getppid() }

    /// Reads at most `buffer.count` bytes; returns 0 at end of file.
    /// The corresponding C function is `read`.
    package static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int
    {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw SystemError(call: "read", errno: errno)
        }
    }

    /// Fills all of `buffer`, looping over partial reads.
    /// - Returns: `false` when the stream ended first (what was read is lost to the caller).
    package static func readFully(
        _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer
    ) throws(SystemError) -> Bool {
        var received = 0
        while received < buffer.count {
            let count = try read(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: buffer[received...]))
            if count == 0 { return false }
            received += count
        }
        return true
    }

    /// Writes every byte of `buffer`, looping over partial writes.
    /// The corresponding C function is `write`.
    package static func writeAll(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) throws(SystemError) {
        var offset = 0
        while offset < buffer.count {
            let count = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if count >= 0 {
                offset += count
                continue
            }
            if errno == EINTR { continue }
            throw SystemError(call: "write", errno: errno)
        }
    }

    /// Writes every byte of `bytes`, looping over partial writes.
    /// The corresponding C function is `write`.
    package static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) throws(SystemError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(SystemError) in try writeAll(descriptor, buffer) }
        }
        try result.get()
    }

    /// Waits until `descriptor` has data (or end of file) to read, at most `seconds`.
    /// - Returns: false when the time ran out first.
    /// The corresponding C function is `poll`.
    package static func waitUntilReadable(_ descriptor: Int32, seconds: Double) throws(SystemError) -> Bool {
        let deadline = monotonicSeconds() + seconds
        while true {
            let remaining = deadline - monotonicSeconds()
            if remaining <= 0 { return false }
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(min(remaining * 1000, Double(Int32.max)).rounded(.up))
            let count = poll(&entry, 1, milliseconds)
            if count > 0 { return true }
            if count < 0 && errno != EINTR { throw SystemError(call: "poll", errno: errno) }
        }
    }

    /// Closes a file descriptor. The corresponding C function is `close`.
    package static func close(_ descriptor: Int32) {
        // EINTR on close must not be retried on Linux: the descriptor is already gone.
        _ = Glibc.close(descriptor)
    }

    /// Creates a pipe; returns (read end, write end), both closed on exec from the start (no
    /// other thread's child can inherit an end between two calls and keep the pipe open; a
    /// child that is given an end gets it as a copy, which is not). The corresponding C
    /// function is `pipe2(O_CLOEXEC)`.
    package static func makePipe() throws(SystemError) -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [-1, -1]
        if lab_pipe_closed_on_exec(&descriptors) != 0 { throw SystemError(call: "pipe2", errno: errno) }
        return (descriptors[0], descriptors[1])
    }

    /// Duplicates a descriptor to the lowest free number. The corresponding C function is `dup`.
    package static func duplicate(_ descriptor: Int32) throws(SystemError) -> Int32 {
        let copy = dup(descriptor)
        if copy < 0 { throw SystemError(call: "dup", errno: errno) }
        return copy
    }

    /// A copy of `descriptor` that is closed in a program it executes. The corresponding C
    /// call is `fcntl(F_DUPFD_CLOEXEC)`.
    package static func duplicate(_ descriptor: Int32, closeOnExec: Bool) throws(SystemError) -> Int32 {
        guard closeOnExec else { return try duplicate(descriptor) }
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        if copy < 0 { throw SystemError(call: "fcntl", errno: errno) }
        return copy
    }

    /// Makes `target` refer to what `source` refers to. The corresponding C function is `dup2`.
    package static func duplicate(_ source: Int32, onto target: Int32) throws(SystemError) {
        while dup2(source, target) < 0 {
            if errno == EINTR { continue }
            throw SystemError(call: "dup2", errno: errno)
        }
    }

    /// Ignores a signal from now on (inherited by children). The corresponding C function is `signal`.
    package static func ignoreSignal(_ number: Int32) {
        _ = signal(number, SIG_IGN)
    }

    /// Sends a signal to a process; a process that is already gone is not an error.
    /// The corresponding C function is `kill`.
    package static func sendSignal(_ number: Int32, to processID: Int32) {
        _ = kill(processID, number)
    }

    /// Asks the kernel to deliver `signal` to this process when its parent dies (Linux).
    /// The corresponding C call is `prctl(PR_SET_PDEATHSIG, signal)`.
    package static func setParentDeathSignal(_ number: Int32) throws(SystemError) {
        if lab_set_parent_death_signal(number) != 0 { throw SystemError(call: "prctl", errno: errno) }
    }

    /// The CPUs that a process (or, with 0, the calling thread) may run on, in increasing order.
    /// The corresponding C call is `sched_getaffinity`.
    package static func allowedCPUs(processID: Int32 = 0) throws(SystemError) -> [Int] {
        var cpus = [Int32](repeating: 0, count: 1024)
        let count = lab_get_cpu_affinity(processID, &cpus, Int32(cpus.count))
        if count < 0 { throw SystemError(call: "sched_getaffinity", errno: errno) }
        return cpus.prefix(Int(min(count, Int32(cpus.count)))).map(Int.init)
    }

    /// Restricts a process (or, with 0, the calling thread) to `cpus`.
    /// The corresponding C call is `sched_setaffinity`.
    package static func setAllowedCPUs(_ cpus: [Int], processID: Int32 = 0) throws(SystemError) {
        let list = cpus.map { Int32($0) }
        if lab_set_cpu_list(processID, list, Int32(list.count)) != 0 {
            throw SystemError(call: "sched_setaffinity", errno: errno)
        }
    }

    /// Seconds on the monotonic clock, from an arbitrary origin.
    /// The corresponding C function is `clock_gettime(CLOCK_MONOTONIC)`.
    package static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Nanoseconds on the monotonic clock, from an arbitrary origin: the clock the timelines use.
    /// On Linux it is system-wide, so a worker's readings compare with its coordinator's.
    package static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// Sleeps the calling thread for `seconds`, resuming after interruptions.
    /// The corresponding C function is `nanosleep`.
    package static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        let whole = seconds.rounded(.down)
        var request = timespec(tv_sec: Int(whole), tv_nsec: Int((seconds - whole) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR {
            request = remaining
        }
    }

    /// Gives the calling thread's core to another runnable thread, if there is one.
    /// The corresponding C function is `sched_yield`.
    package static func yieldCore() {
        sched_yield()
    }

    /// The absolute path of the running executable, symlinks resolved.
    /// The corresponding C call is `readlink("/proc/self/exe")`.
    package static func executablePath() throws(SystemError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if count < 0 { throw SystemError(call: "readlink", errno: errno) }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The number of processors currently available to this process.
    package static var activeProcessorCount: Int {
        Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }

    /// The name of a signal such as `SIGKILL`, or `signal N` when it has no common name.
    package static func signalName(_ number: Int32) -> String {
        switch number {
        case SIGHUP: "SIGHUP"
        case SIGINT: "SIGINT"
        case SIGQUIT: "SIGQUIT"
        case SIGILL: "SIGILL"
        case SIGTRAP: "SIGTRAP"
        case SIGABRT: "SIGABRT"
        case SIGBUS: "SIGBUS"
        case SIGFPE: "SIGFPE"
        case SIGKILL: "SIGKILL"
        case SIGSEGV: "SIGSEGV"
        case SIGPIPE: "SIGPIPE"
        case SIGTERM: "SIGTERM"
        default: "signal \(number)"
        }
    }
}

extension Platform {
    /// The value of an environment variable, if set. The corresponding C function is `getenv`.
    package static func environmentValue(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// The kernel's names: its system (`Linux`), release, machine (`x86_64`) and this node's
    /// host name. The corresponding C function is `uname`.
    package static func systemNames() -> (system: String, release: String, machine: String, node: String) {
        var names = utsname()
        uname(&names)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return (text(names.sysname), text(names.release), text(names.machine), text(names.nodename))
    }

    /// The wall clock: seconds since 1970-01-01 00:00 UTC. The corresponding C function is `time`.
    package static func unixTime() -> Int {
        Int(time(nil))
    }
}

extension Array where Element == UInt8 {
    /// `count` bytes of buffer whose storage is not written first, for a caller that reads
    /// into it and looks only at what was read. Fresh memory costs a page fault per page
    /// first touched: a zero-filled 64 KiB buffer is 16 of them, which a worker paid for its
    /// frame reader and again for each `/proc` file it read (about 30 of a forked worker's
    /// 130 faults, `perf`, the 2-core VM), whatever the bytes that came.
    package init(unwrittenCount count: Int) {
        // UInt8 has no invalid values, and no caller reads a byte it did not write.
        self.init(unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
