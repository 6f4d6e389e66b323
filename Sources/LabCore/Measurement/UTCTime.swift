import Glibc

/// A moment in UTC, to the second, in the two forms the lab writes.
package struct UTCTime: Sendable {
    package let year, month, day, hour, minute, second: Int

    /// The current time, or the given Unix time.
    package init(_ moment: time_t? = nil) {
        var seconds = moment ?? time_t(Platform.unixTime())
        var parts = tm()
        gmtime_r(&seconds, &parts)
        year = Int(parts.tm_year) + 1900
        month = Int(parts.tm_mon) + 1
        day = Int(parts.tm_mday)
        hour = Int(parts.tm_hour)
        minute = Int(parts.tm_min)
        second = Int(parts.tm_sec)
    }

    /// The Unix time of an ISO 8601 text as ``iso8601`` writes it (`2026-11-25T12:16:59Z`);
    /// `nil` for any other text.
    package static func unixTime(iso8601 text: String) -> Int? {
        let parts = text.split(whereSeparator: { "-T:Z".contains($0) }).map { Int($0) }
        guard text.hasSuffix("Z"), parts.count == 6, parts.allSatisfy({ $0 != nil }) else { return nil }
        var fields = tm()
        fields.tm_year = Int32(parts[0]! - 1900)
        fields.tm_mon = Int32(parts[1]! - 1)
        fields.tm_mday = Int32(parts[2]!)
        fields.tm_hour = Int32(parts[3]!)
        fields.tm_min = Int32(parts[4]!)
        fields.tm_sec = Int32(parts[5]!)
        return Int(timegm(&fields))
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// `20261125T121659Z`: sortable, and safe in a folder name (the run ID).
    package var compact: String {
        "\(year)\(UTCTime.two(month))\(UTCTime.two(day))T"
            + "\(UTCTime.two(hour))\(UTCTime.two(minute))\(UTCTime.two(second))Z"
    }

    /// `2026-11-25T12:16:59Z`: ISO 8601, for run.json.
    package var iso8601: String {
        "\(year)-\(UTCTime.two(month))-\(UTCTime.two(day))T"
            + "\(UTCTime.two(hour)):\(UTCTime.two(minute)):\(UTCTime.two(second))Z"
    }
}
