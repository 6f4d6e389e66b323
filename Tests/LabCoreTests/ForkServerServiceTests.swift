import LabCore
import Testing

@Suite struct ForkServerServiceTests {
    @Test("every type the fork server resolves for its children is found by its mangled name")
    func workerTypesResolve() {
        // A renamed or moved type whose name no longer resolves would silently send every
        // forked worker back to scanning the conformance records.
        #expect(ForkServerService.workerTypes.count == 7)
        #expect(ForkServerService.resolveWorkerTypes() == ForkServerService.workerTypes.count)
    }
}
