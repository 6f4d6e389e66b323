/// Splitting work between tasks: one contiguous slice each, or blocks dealt out in turn.
public enum TaskSlice {
    /// The part of `0..<total` that task `index` of `taskCount` owns. Slices differ in size by
    /// at most one, and together cover `0..<total` exactly once.
    /// - Precondition: `0 <= index < taskCount`, `total >= 0`.
    public static func range(of total: Int, task index: Int, of taskCount: Int) -> Range<Int> {
        precondition(index >= 0 && index < taskCount && total >= 0, "task \(index) of \(taskCount) over \(total)")
        // Wide multiplication: total * index may exceed Int for large totals and task counts.
        func boundary(_ part: Int) -> Int {
            let product = total.multipliedFullWidth(by: part)
            return Int(truncatingIfNeeded: taskCount.dividingFullWidth((product.high, product.low)).quotient)
        }
        return boundary(index)..<boundary(index + 1)
    }

    /// The blocks of `0..<total` that task `index` of `taskCount` owns when blocks of
    /// `blockSize` are dealt out in turn (task 0 gets blocks 0, taskCount, 2 x taskCount, ...).
    /// Where the cost of an item grows along the range (testing larger numbers for primality
    /// costs more), every task still gets an almost equal share of cheap and dear items,
    /// which contiguous slices do not give. Together the blocks cover `0..<total` exactly once.
    /// - Precondition: `0 <= index < taskCount`, `total >= 0`, `blockSize > 0`.
    public static func blocks(of total: Int, task index: Int, of taskCount: Int, blockSize: Int) -> [Range<Int>] {
        precondition(
            index >= 0 && index < taskCount && total >= 0 && blockSize > 0,
            "task \(index) of \(taskCount) over \(total)")
        let blockCount = total / blockSize + (total % blockSize == 0 ? 0 : 1)
        return stride(from: index, to: blockCount, by: taskCount).map { block in
            (block * blockSize)..<min((block + 1) * blockSize, total)
        }
    }
}
