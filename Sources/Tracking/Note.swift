import GRDB

/// A note on a run (a row of `notes`).
public struct Note: StoredRecord, Sendable, Equatable {
    public static let databaseTableName = "notes"
    public var id: Int64?
    public var runID: Int64
    /// UTC text.
    public var createdAt: String
    public var text: String

    public init(runID: Int64, text: String) {
        self.runID = runID
        self.text = text
        createdAt = Timestamp.now()
    }
}
