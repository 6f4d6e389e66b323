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
            var source = DescriptorSource(descriptor: requests)
            var sink = DescriptorSink(descriptor: try replies())
            return try child.serve(source: &source, sink: &sink, region: nil)
        case .shm:
            let region = try SharedRegion.attach(descriptor: requests)
            let waiting = RingWaiting.onParent(self)
            var source = RingSource(region.requests, of: region, waiting: waiting)
            var sink = RingSink(region.replies, of: region, waiting: waiting)
            defer { sink.close() }
            return try child.serve(source: &source, sink: &sink, region: region)
        }
    }
}
