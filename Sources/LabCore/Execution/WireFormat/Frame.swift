/// One frame: a kind and its payload.
package struct Frame: Sendable, Equatable {
    package var kind: FrameKind
    package var payload: [UInt8]

    package init(kind: FrameKind, payload: [UInt8] = []) {
        self.kind = kind
        self.payload = payload
    }
}
