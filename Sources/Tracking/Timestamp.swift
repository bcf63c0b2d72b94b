import Foundation

/// Timestamps in the store: UTC text `YYYY-MM-DD HH:MM:SS.SSS`, SQLite's own format, so that
/// `datetime()` and comparisons as text both work.
enum Timestamp {
    /// SQL for the current time.
    static let nowSQL = "strftime('%Y-%m-%d %H:%M:%f', 'now')"

    /// The current time as stored. (Written digit by digit: it is made for every epoch, and
    /// `String(format:)` cost as much as the rest of an epoch's insert.)
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec, t = tm()
        gmtime_r(&seconds, &t)
        var bytes = [UInt8](repeating: 0, count: 23)
        func put(_ value: Int, _ digits: Int, at offset: Int) {
            var v = value
            for i in stride(from: offset + digits - 1, through: offset, by: -1) {
                bytes[i] = UInt8(48 + v % 10)
                v /= 10
            }
        }
        put(Int(t.tm_year) + 1900, 4, at: 0)
        put(Int(t.tm_mon) + 1, 2, at: 5)
        put(Int(t.tm_mday), 2, at: 8)
        put(Int(t.tm_hour), 2, at: 11)
        put(Int(t.tm_min), 2, at: 14)
        put(Int(t.tm_sec), 2, at: 17)
        put(Int(spec.tv_nsec / 1_000_000), 3, at: 20)
        for (i, c) in [(4, "-"), (7, "-"), (10, " "), (13, ":"), (16, ":"), (19, ".")] as [(Int, Character)] { bytes[i] = c.asciiValue! }
        return String(decoding: bytes, as: UTF8.self)
    }
}
