import Foundation

/// Timestamps in the store: UTC text `YYYY-MM-DD HH:MM:SS.SSS`, SQLite's own format, so that
/// `datetime()` and comparisons as text both work.
enum Timestamp {
    /// SQL for the current time.
    static let nowSQL = "strftime('%Y-%m-%d %H:%M:%f', 'now')"

    /// The current time as stored.
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec, parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%03d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, Int(spec.tv_nsec / 1_000_000))
    }
}
