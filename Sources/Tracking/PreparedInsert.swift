import GRDB

/// A row whose columns are one list of names and readers, inserted through a statement SQLite
/// keeps prepared. GRDB's `insert` encodes a record through `Codable` into a container and
/// writes the statement's SQL again on every call: for the rows an epoch writes (`epochs`,
/// `metrics`, `layer_health`) that was most of a tracked small run's write time
/// (Benchmarks/README.md, "Engine v2").
protocol PreparedInsert: TableRecord {
    /// The columns, in the order of ``insertSQL``, and how each is read from a row.
    static var columns: [(name: String, value: @Sendable (Self) -> (any DatabaseValueConvertible)?)] { get }
    /// `INSERT INTO table (…) VALUES (?, …)`: a stored `static let` of ``makeInsertSQL()``.
    static var insertSQL: String { get }
}

extension PreparedInsert {
    static func makeInsertSQL() -> String {
        "INSERT INTO \(databaseTableName) (\(columns.map(\.name).joined(separator: ", "))) VALUES ("
            + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
    }

    /// Inserts the row.
    func insertPrepared(_ db: Database) throws {
        // Typed, so that the array overload of StatementArguments is the one chosen.
        let values: [(any DatabaseValueConvertible)?] = Self.columns.map { $0.value(self) }
        try db.cachedStatement(sql: Self.insertSQL).execute(arguments: StatementArguments(values))
    }

    /// The row's columns, for GRDB's own encoding.
    func encodeColumns(to container: inout PersistenceContainer) {
        for column in Self.columns { container[column.name] = column.value(self) }
    }
}
