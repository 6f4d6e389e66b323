/// What a child process (a worker, or `lab calibrate`'s peer) does on its end of the
/// transport its coordinator chose. ``TransportSettings/serve(_:requests:replies:)`` gives it
/// the byte source and sink; it never asks which transport they are.
package protocol TransportChild {
    associatedtype Outcome
    /// - Parameter region: the shared region over `shm` (whose slots an in-place workload's
    ///   bytes use); `nil` over a pipe or a socket pair.
    func serve<Source: ByteSource, Sink: ByteSink>(
        source: inout Source, sink: inout Sink, region: SharedRegion?
    ) throws -> Outcome
}

extension TransportSettings {
    /// The one place where a child's transport becomes its bytes. Over a pipe or a socket
    /// pair: `requests`, and the descriptor that `replies` gives. Over `shm`: the rings of the
    /// region that `requests` holds (`replies` is not asked), waiting as these settings say
    /// and ending when the parent is gone; the reply ring is closed when `child` returns.
    /// - Throws: what `replies` or attaching the region throws, or what `child` throws.
    package func serve<Child: TransportChild>(
        _ child: Child, requests: Int32, replies: () throws -> Int32
    ) throws -> Child.Outcome {
        switch kind {
        case .pipe, .socketpair:
            return try child.serve(requests: requests, replies: try replies())
        case .shm:
            return try child.serve(region: try SharedRegion.attach(descriptor: requests), waiting: .onParent(self))
        }
    }
}

extension TransportChild {
    /// Serves on a request and a reply descriptor (a pipe's ends, or a socket pair's one end
    /// twice), which it does not close.
    package func serve(requests: Int32, replies: Int32) throws -> Outcome {
        var source = DescriptorSource(descriptor: requests)
        var sink = DescriptorSink(descriptor: replies)
        return try serve(source: &source, sink: &sink, region: nil)
    }

    /// Serves on a shared-memory region's rings, waiting as `waiting` says (its spin bound,
    /// and how it tells that the parent died); the reply ring is closed when it returns.
    package func serve(region: SharedRegion, waiting: RingWaiting) throws -> Outcome {
        var source = RingSource(region.requests, of: region, waiting: waiting)
        var sink = RingSink(region.replies, of: region, waiting: waiting)
        defer { sink.close() }
        return try serve(source: &source, sink: &sink, region: region)
    }
}
