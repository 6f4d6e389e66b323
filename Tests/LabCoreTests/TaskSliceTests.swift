import Testing

@testable import LabCore

@Suite struct TaskSliceTests {
    @Test(
        "slices cover the whole range once and differ in size by at most one",
        arguments: [
            (0, 1), (7, 8), (100, 8), (9_000_000, 8), (1_000_003, 13), (Int.max / 2, 1000),
        ])
    func cover(total: Int, taskCount: Int) {
        var next = 0
        var sizes = Set<Int>()
        for index in 0..<taskCount {
            let slice = TaskSlice.range(of: total, task: index, of: taskCount)
            #expect(slice.lowerBound == next)
            next = slice.upperBound
            sizes.insert(slice.count)
        }
        #expect(next == total)
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
    }

    @Test("blocks are dealt out in turn, the last one short")
    func blocksDealtOut() {
        #expect(TaskSlice.blocks(of: 11, task: 0, of: 3, blockSize: 2) == [0..<2, 6..<8])
        #expect(TaskSlice.blocks(of: 11, task: 1, of: 3, blockSize: 2) == [2..<4, 8..<10])
        #expect(TaskSlice.blocks(of: 11, task: 2, of: 3, blockSize: 2) == [4..<6, 10..<11])
        #expect(TaskSlice.blocks(of: 0, task: 0, of: 1, blockSize: 5) == [])
        #expect(TaskSlice.blocks(of: 3, task: 1, of: 2, blockSize: 5) == [])
    }
}
