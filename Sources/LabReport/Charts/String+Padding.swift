extension String {
    /// The text with spaces added on the right up to `width` characters (never cut).
    package func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// The text with spaces added on the left up to `width` characters (never cut).
    package func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
