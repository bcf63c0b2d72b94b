/// Timestamps in the store: UTC text `YYYY-MM-DD HH:MM:SS.SSS`, SQLite's own format, made by
/// SQLite itself so every writer agrees.
enum Timestamp {
    /// SQL for the current time.
    static let nowSQL = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
}
