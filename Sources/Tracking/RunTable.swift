/// A table whose rows belong to a run (a `run_id` column referencing `runs`): the one list that
/// deleting, counting and merging runs go through, so that a table added by a migration is
/// either listed here or caught by the test that compares this list with the schema.
public struct RunTable: Sendable, Hashable {
    /// The table's name in SQL.
    public let name: String
    /// A column numbered by this store alone (`notes.id`): not copied when a run moves to
    /// another store, which numbers its own.
    let localID: String?

    init(_ name: String, localID: String? = nil) {
        self.name = name
        self.localID = localID
    }

    /// Every table of a run, parents before the tables that reference them (`snapshots` before
    /// `snapshot_tensors`), in the order a deletion report lists them.
    public static let all: [RunTable] = [
        RunTable("params"), RunTable("tags"), RunTable("notes", localID: "id"), RunTable("epochs"), RunTable("extra_metrics"),
        RunTable("layer_health"), RunTable("alerts"), RunTable("snapshots"), RunTable("snapshot_tensors"),
        RunTable("confusion"), RunTable("checkpoints"),
    ]
}

/// How many rows a table holds for some runs.
public struct TableCount: Sendable, Hashable, Codable {
    public var table: String
    public var rows: Int

    public init(table: String, rows: Int) {
        self.table = table
        self.rows = rows
    }
}
