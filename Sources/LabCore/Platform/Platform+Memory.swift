import CLabSupport
import Glibc

extension Platform {
    /// Creates an anonymous memory file of `length` bytes (close-on-exec, no name in any file
    /// system: it goes when the last process holding it does) and maps it writable, shared
    /// with every process that maps it too. Returns the descriptor, which the caller owns, and
    /// the mapping; when the mapping fails the file is closed again.
    /// The corresponding C functions are `memfd_create`, `ftruncate` and `mmap(MAP_SHARED)`.
    package static func createSharedMemory(
        named name: String, length: Int
    ) throws(SystemError) -> (descriptor: Int32, base: UnsafeMutableRawPointer) {
        let descriptor = lab_memory_file(name, UInt64(length))
        if descriptor < 0 { throw SystemError(call: "memfd_create", errno: errno) }
        do throws(SystemError) {
            return (descriptor, try mapShared(descriptor, length: length, writable: true))
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// Seals a memory file made by ``createSharedMemory(named:length:)``: no process can change
    /// its size (shrinking it under a mapping kills the mapper with SIGBUS) or its seals, and
    /// with `writes` none can write it or map it writable any more.
    /// The corresponding C function is `fcntl(F_ADD_SEALS)`.
    package static func sealSharedMemory(_ descriptor: Int32, writes: Bool) throws(SystemError) {
        if lab_seal_memory_file(descriptor, writes ? 1 : 0) != 0 {
            throw SystemError(call: "fcntl(F_ADD_SEALS)", errno: errno)
        }
    }

    /// ``sealSharedMemory(_:writes:)`` of a memory file just made and mapped at `base`; when
    /// sealing fails, the mapping and the file are let go before the error is thrown.
    package static func sealSharedMemory(
        _ descriptor: Int32, mappedAt base: UnsafeMutableRawPointer, length: Int, writes: Bool
    ) throws(SystemError) {
        do {
            try sealSharedMemory(descriptor, writes: writes)
        } catch {
            unmap(base, length: length)
            close(descriptor)
            throw error
        }
    }

    /// The seals of a memory file (`F_SEAL_*` bits). The corresponding C function is `fcntl(F_GET_SEALS)`.
    package static func sharedMemorySeals(_ descriptor: Int32) throws(SystemError) -> Int32 {
        let seals = lab_memory_file_seals(descriptor)
        if seals < 0 { throw SystemError(call: "fcntl(F_GET_SEALS)", errno: errno) }
        return seals
    }

    /// Maps `length` bytes of the file behind `descriptor`, shared with every process that
    /// maps it. The corresponding C function is `mmap(MAP_SHARED)`.
    package static func mapShared(
        _ descriptor: Int32, length: Int, writable: Bool
    ) throws(SystemError) -> UnsafeMutableRawPointer {
        let protection = writable ? PROT_READ | PROT_WRITE : PROT_READ
        guard let base = mmap(nil, length, protection, MAP_SHARED, descriptor, 0), base != MAP_FAILED else {
            throw SystemError(call: "mmap", errno: errno)
        }
        return base
    }

    /// Maps `length` bytes of fresh private memory, as a heap grows (no page is there until
    /// it is touched), with transparent huge pages refused for it so that each 4 KiB page is a
    /// fault of its own. The corresponding C functions are `mmap(MAP_PRIVATE | MAP_ANONYMOUS)`
    /// and `madvise(MADV_NOHUGEPAGE)`.
    package static func mapAnonymous(length: Int) throws(SystemError) -> UnsafeMutableRawPointer {
        guard let base = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            base != MAP_FAILED
        else {
            throw SystemError(call: "mmap", errno: errno)
        }
        _ = madvise(base, length, MADV_NOHUGEPAGE)
        return base
    }

    /// The size of a page of memory in bytes. The corresponding C function is `sysconf(_SC_PAGESIZE)`.
    package static var pageSize: Int { max(Int(sysconf(Int32(_SC_PAGESIZE))), 1) }

    /// Makes a mapping read-only from now on. The corresponding C function is `mprotect`.
    package static func protectReadOnly(_ base: UnsafeMutableRawPointer, length: Int) {
        mprotect(base, length, PROT_READ)
    }

    /// Unmaps what ``mapShared(_:length:writable:)`` mapped. The corresponding C function is `munmap`.
    package static func unmap(_ base: UnsafeMutableRawPointer, length: Int) {
        munmap(base, length)
    }

    /// The size in bytes of the file behind `descriptor`. The corresponding C function is `fstat`.
    package static func fileSize(_ descriptor: Int32) throws(SystemError) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SystemError(call: "fstat", errno: errno) }
        return Int(status.st_size)
    }

    /// Sleeps while `*word == expected`, at most `timeoutNanoseconds` (a futex shared between
    /// processes). Returns early on a wake, a signal or a changed word.
    /// The corresponding system call is `futex(FUTEX_WAIT)`.
    package static func futexWait(_ word: UnsafeMutablePointer<UInt32>, expected: UInt32, timeoutNanoseconds: Int64) {
        _ = lab_futex_wait(word, expected, timeoutNanoseconds)
    }

    /// Wakes whoever sleeps on `word` in ``futexWait(_:expected:timeoutNanoseconds:)``.
    /// The corresponding system call is `futex(FUTEX_WAKE)`.
    package static func futexWake(_ word: UnsafeMutablePointer<UInt32>) {
        _ = lab_futex_wake(word)
    }
}
