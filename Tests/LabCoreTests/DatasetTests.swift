import Glibc
import Testing

@testable import LabCore

/// A workload whose dataset is its bytes' positions: easy to check byte by byte.
struct Table: Workload {
    static let name = "table"
    static let kind = WorkloadKind.memory
    static let summary = "sums a slice of a table per task"
    static let parameters = [
        ParameterSpec(
            name: "bytes", type: .integer(0...(1 << 24)), defaultValue: "100000", quickValue: "1000", unit: "bytes",
            summary: "table size")
    ]

    static func defaultTaskCount(for parameters: Parameters) -> Int { 4 }
    static func datasetBytes(for parameters: Parameters) -> Int? { parameters.integer("bytes") }
    static func fillDataset(_ buffer: UnsafeMutableRawBufferPointer, parameters: Parameters) {
        for index in buffer.indices { buffer[index] = UInt8(truncatingIfNeeded: index &* 31 &+ 7) }
    }

    let table: Dataset?
    let taskCount: Int

    init(parameters: Parameters, taskCount: Int) {
        self.init(
            parameters: parameters, taskCount: taskCount, table: Dataset.inHeap(of: Table.self, parameters: parameters))
    }

    init(parameters: Parameters, taskCount: Int, dataset: Dataset?) {
        self.init(parameters: parameters, taskCount: taskCount, table: dataset)
    }

    private init(parameters: Parameters, taskCount: Int, table: Dataset?) {
        self.table = table
        self.taskCount = taskCount
    }

    func run(task index: Int, input: [UInt8]) -> TaskOutput {
        let bytes = table?.bytes ?? UnsafeRawBufferPointer(start: nil, count: 0)
        var checksum = Checksum()
        checksum.combine(
            bytes: UnsafeRawBufferPointer(rebasing: bytes[TaskSlice.range(of: bytes.count, task: index, of: taskCount)])
        )
        return TaskOutput(checksum: checksum.value)
    }
}

@Suite struct DatasetTests {
    @Test("a dataset built in the heap, in a memory file and mapped from that file by its path holds the same bytes")
    func threeWays() throws {
        let parameters = try Table.parameters(overriding: ["bytes": "70001"])
        let heap = try #require(Dataset.inHeap(of: Table.self, parameters: parameters))
        let shared = try #require(try Dataset.shared(of: Table.self, parameters: parameters))
        let path = try #require(shared.sharedPath)
        #expect(path.hasPrefix("/proc/\(getpid())/fd/"))
        let mapped = try Dataset.mapping(path, count: 70001)
        #expect(heap.sharedPath == nil && mapped.sharedPath == nil)
        #expect(Array(heap.bytes) == Array(shared.bytes))
        #expect(Array(mapped.bytes) == Array(shared.bytes))
        #expect(heap.bytes[70000] == UInt8(truncatingIfNeeded: 70000 &* 31 &+ 7))
        #expect(heap.words.count == 70001 / 8)
        // A file of another size is not this workload's dataset.
        #expect(throws: SystemError(call: "fstat", errno: EINVAL)) { try Dataset.mapping(path, count: 70000) }
        #expect(throws: SystemError.self) { try Dataset.mapping("/proc/\(getpid())/fd/987654", count: 1) }
        // A workload without one has none.
        #expect(Dataset.inHeap(of: Echo.self, parameters: try Echo.parameters(overriding: [:])) == nil)
    }

    @Test(
        "a mapped dataset's memory file is sealed once filled: nobody can shrink, grow or write it, through its path either"
    )
    func datasetIsSealed() throws {
        let dataset = try #require(
            try Dataset.shared(of: Table.self, parameters: try Table.parameters(overriding: ["bytes": "70001"])))
        let path = try #require(dataset.sharedPath)
        // Another process of this user that opens it to write (as any can, by the path) can
        // neither write it, nor map it writable, nor cut it short under the lab's mapping.
        let writing = open(path, O_RDWR)
        #expect(writing >= 0)
        defer { close(writing) }
        #expect(write(writing, [UInt8(1)], 1) == -1 && errno == EPERM)
        #expect(mmap(nil, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, writing, 0) == MAP_FAILED && errno == EPERM)
        #expect(ftruncate(writing, 0) == -1 && errno == EPERM)
        #expect(ftruncate(writing, 1 << 20) == -1 && errno == EPERM)
        let reading = open(path, O_RDONLY)
        #expect(reading >= 0)
        defer { close(reading) }
        #expect(try Platform.sharedMemorySeals(reading) & (0x0002 | 0x0004 | 0x0010) == (0x0002 | 0x0004 | 0x0010))
        // Mapped read-only by a worker, it reads the same bytes.
        let mapped = try Dataset.mapping(path, count: dataset.bytes.count)
        #expect(Array(mapped.bytes) == Array(dataset.bytes))
    }

    @Test(
        "the registry builds a worker's workload around a mapped dataset or its own copy, and both give the same checksums"
    )
    func registry() throws {
        let registry = WorkloadRegistry([Table.self])
        let configured = try ConfiguredWorkload(
            type: Table.self, parameters: try Table.parameters(overriding: ["bytes": "4096"]))
        let shared = try #require(configured.dataset?.sharedPath)
        let mapped = try registry.makeWorkload(
            named: "table", canonicalParameters: "bytes=4096", taskCount: 4, datasetPath: shared)
        let copied = try registry.makeWorkload(named: "table", canonicalParameters: "bytes=4096", taskCount: 4)
        for task in 0..<4 {
            let expected = try configured.instance.run(task: task, input: [])
            #expect(try mapped.run(task: task, input: []) == expected)
            #expect(try copied.run(task: task, input: []) == expected)
        }
        #expect(throws: LabFailure.self) {
            try registry.makeWorkload(
                named: "table", canonicalParameters: "bytes=4096", taskCount: 4, datasetPath: "/nonexistent")
        }
    }

    @Test("process cells of a workload with a dataset come once per placement; other cells and workloads once")
    func cells() throws {
        let table = try ConfiguredWorkload(type: Table.self, parameters: try Table.parameters(overriding: [:]))
        let echo = try ConfiguredWorkload(type: Echo.self, parameters: try Echo.parameters(overriding: [:]))
        let plan = ExperimentPlan(
            workloads: [table, echo], modes: [.threads, .processes], workerCounts: [2], repetitions: 1, warmup: 0,
            datasets: [.copy, .map])
        #expect(
            plan.cells(of: table).map(\.label) == [
                "table threads x2", "table processes x2", "table processes x2, mapped",
            ])
        #expect(plan.cells(of: echo).map(\.label) == ["echo threads x2", "echo processes x2"])
        #expect(plan.cells(of: echo).allSatisfy { $0.dataset == nil })
    }
}
