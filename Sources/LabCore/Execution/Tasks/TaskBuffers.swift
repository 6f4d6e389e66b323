/// A driver thread's buffers for in-place inputs and results: allocated once, grown when a
/// task needs more, reused by the next task (as a worker reuses its shared slots).
///
/// Used by one driver thread only, which is why the unchecked conformance is safe.
final class TaskBuffers: @unchecked Sendable {
    private var inputStorage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var resultStorage = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    /// The first `count` bytes of the input buffer.
    func input(count: Int) -> UnsafeMutableRawBufferPointer {
        Self.prefix(count, of: &inputStorage)
    }

    /// The first `count` bytes of the result buffer.
    func result(count: Int) -> UnsafeMutableRawBufferPointer {
        Self.prefix(count, of: &resultStorage)
    }

    private static func prefix(
        _ count: Int, of storage: inout UnsafeMutableRawBufferPointer
    ) -> UnsafeMutableRawBufferPointer {
        if storage.count < count {
            storage.deallocate()
            storage = .allocate(byteCount: count, alignment: 16)
        }
        return UnsafeMutableRawBufferPointer(rebasing: storage[0..<count])
    }

    deinit {
        inputStorage.deallocate()
        resultStorage.deallocate()
    }
}
