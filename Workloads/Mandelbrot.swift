import LabCore

/// Renders a band of rows of the Mandelbrot set per task. The result is a large buffer (one
/// byte per pixel) that must come back to the coordinator: free for threads, copied through a
/// pipe for processes, written where the coordinator reads it over shared memory.
package struct Mandelbrot: InPlaceWorkload {
    package static let name = "mandelbrot"
    package static let kind = WorkloadKind.cpu
    package static let summary =
        "render rows of the Mandelbrot set; each task returns its pixels (a large result to copy back)"
    package static let parameters = [
        ParameterSpec(
            name: "width", type: .integer(1...20_000), defaultValue: "1600", quickValue: "240", unit: "pixels",
            summary: "image width"),
        ParameterSpec(
            name: "height", type: .integer(1...20_000), defaultValue: "1600", quickValue: "240", unit: "pixels",
            summary: "image height, split into equal bands of rows, one per task"),
        ParameterSpec(
            name: "iterations", type: .integer(1...100_000), defaultValue: "256", quickValue: "64", unit: "count",
            summary: "the most iterations per pixel before it counts as inside the set"),
    ]

    package static func defaultTaskCount(for parameters: Parameters) -> Int { 16 }

    let width: Int
    let height: Int
    let iterations: Int
    let taskCount: Int

    package init(parameters: Parameters, taskCount: Int) {
        width = parameters.integer("width")
        height = parameters.integer("height")
        iterations = parameters.integer("iterations")
        self.taskCount = taskCount
    }

    package func resultByteCount(forTask index: Int) -> Int {
        TaskSlice.range(of: height, task: index, of: taskCount).count * width
    }

    package func run(task index: Int, input: UnsafeRawBufferPointer, result: inout ResultBuffer) throws -> TaskOutput {
        let rows = TaskSlice.range(of: height, task: index, of: taskCount)
        var totalIterations: UInt64 = 0
        try result.append(byteCount: rows.count * width) { pixels in
            var offset = 0
            for row in rows {
                let imaginary = -1.3 + 2.6 * Double(row) / Double(max(height - 1, 1))
                for column in 0..<width {
                    let real = -2.0 + 2.6 * Double(column) / Double(max(width - 1, 1))
                    var x = 0.0
                    var y = 0.0
                    var count = 0
                    while count < iterations && x * x + y * y <= 4 {
                        (x, y) = (x * x - y * y + real, 2 * x * y + imaginary)
                        count += 1
                    }
                    totalIterations &+= UInt64(count)
                    pixels[offset] = UInt8(truncatingIfNeeded: count)
                    offset += 1
                }
            }
        }
        return TaskOutput(checksum: totalIterations, units: UInt64(rows.count * width))
    }
}
