import Glibc

extension Platform {
    /// Waits while `condition` holds, at most `seconds`; returns whether it stopped holding.
    /// For a child that another thread reaps (Foundation's, or a fork server's reader): polling
    /// with a short pause is the bounded wait that allows.
    static func wait(seconds: Double, while condition: () -> Bool) -> Bool {
        let deadline = Platform.monotonicSeconds() + seconds
        while condition() {
            if Platform.monotonicSeconds() > deadline { return false }
            Platform.sleep(seconds: 0.0005)
        }
        return true
    }
}
