/// Splitting work into one contiguous slice per task.
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
}
