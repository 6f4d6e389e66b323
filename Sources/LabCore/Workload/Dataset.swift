import Glibc

/// Bytes that every task of a workload reads and none writes, built once per process from the
/// parameters alone (``Workload/datasetBytes(for:)`` and ``Workload/fillDataset(_:parameters:)``):
/// bandwidth's array, the table that `slices` reads a part of per task.
///
/// The coordinator builds it once for the whole run, in an anonymous memory file that its
/// sequential, thread and async cells read and that `--dataset map` workers map read-only; a
/// `--dataset copy` worker builds its own in its own heap. The bytes are read-only once built,
/// so every thread of a process may read them at once.
public final class Dataset: @unchecked Sendable {
    /// The dataset's bytes, valid as long as the dataset lives.
    public let bytes: UnsafeRawBufferPointer
    /// `/proc/<pid>/fd/<n>`: where another process of this user opens the memory file; `nil`
    /// for a dataset in this process's heap or mapped from another's file.
    public let sharedPath: String?
    private let base: UnsafeMutableRawPointer?
    private let mapped: Bool
    private let descriptor: Int32

    private init(base: UnsafeMutableRawPointer?, count: Int, mapped: Bool, descriptor: Int32 = -1) {
        self.base = base
        self.bytes = UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : count)
        self.mapped = mapped
        self.descriptor = descriptor
        sharedPath = descriptor >= 0 ? "/proc/\(Platform.processID)/fd/\(descriptor)" : nil
    }

    deinit {
        if let base {
            if mapped { Platform.unmap(base, length: bytes.count) } else { base.deallocate() }
        }
        if descriptor >= 0 { Platform.close(descriptor) }
    }

    /// The dataset of `type` with `parameters` in this process's own heap; `nil` for a
    /// workload that has none.
    package static func inHeap(of type: any Workload.Type, parameters: Parameters) -> Dataset? {
        guard let count = type.datasetBytes(for: parameters) else { return nil }
        let base = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 64)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: count)
        type.fillDataset(UnsafeMutableRawBufferPointer(start: base, count: count), parameters: parameters)
        return Dataset(base: base, count: count, mapped: false)
    }

    /// The dataset of `type` with `parameters` in an anonymous memory file that other
    /// processes can map (``sharedPath``); `nil` for a workload that has none. The file has no
    /// name in any file system: it goes when the last process holding it does.
    /// - Throws: ``SystemError`` when the memory file cannot be made or mapped.
    package static func shared(of type: any Workload.Type, parameters: Parameters) throws(SystemError) -> Dataset? {
        guard let count = type.datasetBytes(for: parameters) else { return nil }
        guard count > 0 else { return Dataset(base: nil, count: 0, mapped: false) }
        let (descriptor, base) = try Platform.createSharedMemory(named: "lab-dataset", length: count)
        type.fillDataset(UnsafeMutableRawBufferPointer(start: base, count: count), parameters: parameters)
        // Built: from now on nobody writes it, this process included, and no process (a
        // worker, or any other of this user's) can write it, shrink it under our mapping
        // (SIGBUS) or grow it.
        Platform.protectReadOnly(base, length: count)
        try Platform.sealSharedMemory(descriptor, mappedAt: base, length: count, writes: true)
        return Dataset(base: base, count: count, mapped: true, descriptor: descriptor)
    }

    /// Maps another process's dataset read-only from its ``sharedPath``.
    /// - Parameter count: the bytes the dataset must have (what the workload's parameters say).
    /// - Throws: ``SystemError`` when the file cannot be opened or mapped, or is not `count`
    ///   bytes long (`EINVAL`).
    package static func mapping(_ path: String, count: Int) throws(SystemError) -> Dataset {
        let descriptor = try Platform.openForReading(path)
        defer { Platform.close(descriptor) }
        guard try Platform.fileSize(descriptor) == count else { throw SystemError(call: "fstat", errno: EINVAL) }
        guard count > 0 else { return Dataset(base: nil, count: 0, mapped: false) }
        return Dataset(
            base: try Platform.mapShared(descriptor, length: count, writable: false), count: count, mapped: true)
    }

    /// The bytes as 64-bit words (the dataset's length rounded down to whole words).
    public var words: UnsafeBufferPointer<UInt64> {
        UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count / 8 * 8)]).bindMemory(to: UInt64.self)
    }
}
