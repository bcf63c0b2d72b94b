/// What a command does with the store, which decides how it is opened.
public enum StoreAccess: Sendable {
    /// Reads only (`runs`, `show`, `export`, …): one read-only connection. Nothing is written,
    /// but for closing a run whose process is gone (``RunStore/reapCrashedRuns(identity:)``
    /// opens a writer for that, when it finds one).
    case read
    /// Reads and writes an existing store or an empty file.
    case write
    /// Reads and writes, creating the store when there is no file (`run`, `sweep`, `merge`).
    case create
}
