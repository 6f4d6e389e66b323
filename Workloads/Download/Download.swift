import LabCore

/// The tutorial's image downloader: each task fetches `/image/<i>` over HTTP from a local
/// server the lab starts on 127.0.0.1, retrying a 503 with exponential back-off. Waiting on
/// the network, so threads (and async tasks) overlap it. The client is the lab's own
/// (``LoopbackHTTPClient``: a socket per request), not URLSession: Foundation's networking
/// would tie the binary to libcurl and keep it from linking statically.
package struct Download: Workload {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    package static let name = "download"
    package static let kind = WorkloadKind.io
    package static let summary =
        "HTTP GET /image/<i> from a local server (127.0.0.1) with latency and injected 503s, retried with back-off"
    package static let parameters = [
        ParameterSpec(
            name: "latency_ms", type: .number(0...10_000), defaultValue: "25", quickValue: "3", unit: "ms",
            summary: "how long the server waits before it answers each request"),
        ParameterSpec(
            name: "bytes", type: .integer(0...(64 << 20)), defaultValue: "200000", quickValue: "20000", unit: "bytes",
            summary: "size of each image"),
        ParameterSpec(
            name: "fail_every", type: .integer(0...1_000_000), defaultValue: "5", quickValue: "5", unit: "count",
            summary: "the first request for every n-th image answers 503 (0: never)"),
        ParameterSpec(
            name: "retries", type: .integer(0...20), defaultValue: "3", quickValue: "3", unit: "count",
            summary: "how often a failed request is tried again before the task fails"),
        ParameterSpec(
            name: "backoff_ms", type: .number(0...60_000), defaultValue: "10", quickValue: "1", unit: "ms",
            summary: "wait before the first retry, doubled before each next one"),
    ]

    /// 24 images (12 with --quick).
    package static func defaultTaskCount(for parameters: Parameters) -> Int {
        parameters.isQuick ? 12 : 24
    }

    /// Waiting is its work: more bytes on loopback hardly take longer, more images do.
    package static let sizeParameter: String? = nil

    /// A socket to the image server for each download in flight.
    package static let descriptorsPerTask = 1

    /// Starts the image server on 127.0.0.1 for the whole run: in a process of its own (`lab
    /// imageserver`), so that the cells measure the client alone, or, in a program that is no
    /// lab (a test), on a thread of this one.
    package static func startFixture(parameters: Parameters) throws -> (any WorkloadFixture)? {
        let latency = parameters.number("latency_ms") / 1000
        if let executable = HelperProcesses.executablePath {
            return try ImageServerProcess(
                executable: executable, latencySeconds: latency, bodyBytes: parameters.integer("bytes"),
                failEvery: parameters.integer("fail_every"))
        }
        return try LocalImageServer(
            latencySeconds: latency, bodyBytes: parameters.integer("bytes"), failEvery: parameters.integer("fail_every")
        )
    }

    /// The image server's port; `nil` outside ``ConfiguredWorkload/withFixture(_:)``.
    let port: UInt16?
    let retries: Int
    let backoffSeconds: Double

    /// Builds the workload; a task fails if no image server runs (the fixture gives the port).
    package init(parameters: Parameters, taskCount: Int) {
        port = parameters.fixtureValues["port"].flatMap { UInt16($0) }
        retries = parameters.integer("retries")
        backoffSeconds = parameters.number("backoff_ms") / 1000
    }

    /// One attempt at image `index`: always 127.0.0.1, never another address.
    func fetch(image index: Int, attempt: Int) throws -> (status: Int, body: [UInt8]) {
        guard let port else {
            throw Failure(
                description:
                    "download needs its image server, which the experiment loop starts around the workload's cells")
        }
        return try LoopbackHTTPClient.get(
            port: port, path: "/image/\(index)", headers: [("X-Lab-Attempt", String(attempt))])
    }

    package func run(task index: Int, input: [UInt8]) throws -> TaskOutput {
        var attempt = 0
        while true {
            let (status, body) = try fetch(image: index, attempt: attempt)
            if status == 200 { return output(task: index, body: body) }
            guard attempt < retries else { throw giveUp(image: index, status: status) }
            Platform.sleep(seconds: backoff(before: attempt + 1))
            attempt += 1
        }
    }

    /// Each request waits on the event loop (``EventLoop/shared``: one thread in `epoll` for
    /// every request in flight) while the task suspends, and so does the back-off: no thread
    /// waits for any of them, as with Python's asyncio and an asynchronous HTTP client.
    package func runAsync(task index: Int, input: [UInt8]) async throws -> TaskOutput {
        guard let port else {
            throw Failure(
                description:
                    "download needs its image server, which the experiment loop starts around the workload's cells")
        }
        let loop = try EventLoop.shared
        var attempt = 0
        while true {
            let (status, body) = try await LoopbackHTTPClient.get(
                port: port, path: "/image/\(index)", headers: [("X-Lab-Attempt", String(attempt))], on: loop)
            if status == 200 { return output(task: index, body: body) }
            guard attempt < retries else { throw giveUp(image: index, status: status) }
            try await Task.sleep(nanoseconds: UInt64(backoff(before: attempt + 1) * 1e9))
            attempt += 1
        }
    }

    /// Seconds to wait before retry number `retry` (1-based): `backoff_ms`, doubled each time.
    func backoff(before retry: Int) -> Double {
        backoffSeconds * Double(1 << min(retry - 1, 20))
    }

    func giveUp(image index: Int, status: Int) -> Failure {
        Failure(description: "image \(index): HTTP \(status) after \(retries) \(retries == 1 ? "retry" : "retries")")
    }

    func output(task index: Int, body: [UInt8]) -> TaskOutput {
        var checksum = Checksum()
        checksum.combine(UInt64(index))
        checksum.combine(bytes: body)
        return TaskOutput(checksum: checksum.value, units: UInt64(body.count))
    }
}
