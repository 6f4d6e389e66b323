import Dispatch
import Foundation
import LabCore
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The tutorial's image downloader: each task fetches `/image/<i>` over HTTP from a local
/// server the lab starts on 127.0.0.1, retrying a 503 with exponential back-off. Waiting on
/// the network, so threads (and async tasks) overlap it.
public struct Download: Workload {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    public static let name = "download"
    public static let kind = WorkloadKind.io
    public static let summary = "HTTP GET /image/<i> from a local server (127.0.0.1) with latency and injected 503s, retried with back-off"
    public static let parameters = [
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
    public static func defaultTaskCount(for parameters: Parameters) -> Int {
        parameters.isQuick ? 12 : 24
    }

    /// Starts the image server on 127.0.0.1 for the whole run.
    public static func startFixture(parameters: Parameters) throws -> (any WorkloadFixture)? {
        try LocalImageServer(
            latencySeconds: parameters.number("latency_ms") / 1000, bodyBytes: parameters.integer("bytes"),
            failEvery: parameters.integer("fail_every"))
    }

    let port: Int
    let retries: Int
    let backoffSeconds: Double
    let session: URLSession

    public init(parameters: Parameters, taskCount: Int) throws {
        guard let portText = parameters.fixtureValues["port"], let port = Int(portText) else {
            throw Failure(description: "download needs its image server; start it with the workload's fixture")
        }
        self.port = port
        retries = parameters.integer("retries")
        backoffSeconds = parameters.number("backoff_ms") / 1000
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 1024
        configuration.timeoutIntervalForRequest = 60
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.connectionProxyDictionary = [:]
        session = URLSession(configuration: configuration)
    }

    /// The request for one attempt at image `index`: always 127.0.0.1, never another address.
    func request(forImage index: Int, attempt: Int) -> URLRequest {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/image/\(index)")!)
        request.setValue(String(attempt), forHTTPHeaderField: "X-Lab-Attempt")
        return request
    }

    public func run(task index: Int, input: [UInt8]) throws -> TaskOutput {
        var attempt = 0
        while true {
            let (status, body) = try fetch(request(forImage: index, attempt: attempt))
            if status == 200 { return output(task: index, body: body) }
            guard attempt < retries else { throw giveUp(image: index, status: status) }
            Platform.sleep(seconds: backoff(before: attempt + 1))
            attempt += 1
        }
    }

    public func runAsync(task index: Int, input: [UInt8]) async throws -> TaskOutput {
        var attempt = 0
        while true {
            let (data, response) = try await session.data(for: request(forImage: index, attempt: attempt))
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            if status == 200 { return output(task: index, body: [UInt8](data)) }
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

    /// One blocking request, for the thread, process and sequential modes.
    func fetch(_ request: URLRequest) throws -> (status: Int, body: [UInt8]) {
        let outcome = Mutex<Result<(Int, [UInt8]), any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        session.dataTask(with: request) { data, response, error in
            let result: Result<(Int, [UInt8]), any Error>
            if let error {
                result = .failure(error)
            } else {
                result = .success(((response as? HTTPURLResponse)?.statusCode ?? 0, data.map { [UInt8]($0) } ?? []))
            }
            outcome.withLock { $0 = result }
            done.signal()
        }.resume()
        done.wait()
        return try outcome.withLock { $0! }.get()
    }
}
