import LabCore

/// Writes a private temporary file, flushes it to the device, reads it back and removes it:
/// waiting on the kernel and the disk rather than computing.
package struct FileIO: Workload {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    package static let name = "file-io"
    package static let kind = WorkloadKind.io
    package static let summary = "write a private temporary file, fsync, read it back, checksum, remove it"
    package static let parameters = [
        ParameterSpec(
            name: "bytes", type: .integer(1...(1 << 30)), defaultValue: "4194304", quickValue: "65536", unit: "bytes",
            summary: "bytes each task writes and reads back"),
        ParameterSpec(
            name: "sync", type: .choice(["fsync", "none"]), defaultValue: "fsync", quickValue: "fsync", unit: "",
            summary: "fsync after writing (waits for the device), or none (stays in the page cache)"),
    ]

    package static func defaultTaskCount(for parameters: Parameters) -> Int { 8 }

    let bytes: Int
    let synchronize: Bool

    package init(parameters: Parameters, taskCount: Int) {
        bytes = parameters.integer("bytes")
        synchronize = parameters.choice("sync") == "fsync"
    }

    package func run(task index: Int, input: [UInt8]) throws -> TaskOutput {
        let content = DeterministicRandom.bytes(count: bytes, seed: UInt64(index) &+ 0xf11e)
        let file = try Platform.makeTemporaryFile(template: Platform.temporaryDirectory + "/lab-file-io-XXXXXX")
        defer {
            Platform.close(file.descriptor)
            Platform.removeFile(atPath: file.path)
        }
        try Platform.writeAll(file.descriptor, content)
        if synchronize { try Platform.synchronize(file.descriptor) }
        try Platform.rewind(file.descriptor)
        var readBack = [UInt8](repeating: 0, count: bytes)
        var received = 0
        try readBack.withUnsafeMutableBytes { buffer in
            while received < bytes {
                let count = try Platform.read(
                    file.descriptor, into: UnsafeMutableRawBufferPointer(rebasing: buffer[received...]))
                if count == 0 { break }
                received += count
            }
        }
        guard received == bytes else {
            throw Failure(description: "read back \(received) of \(bytes) bytes from \(file.path)")
        }
        return TaskOutput(checksum: Checksum.digest(readBack), units: UInt64(bytes))
    }
}
