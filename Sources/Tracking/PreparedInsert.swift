import Foundation
import GRDB
import GRDBSQLite

/// A row whose columns are one list of names and readers, inserted through a statement SQLite
/// keeps prepared. GRDB's `insert` encodes a record through `Codable` into a container and
/// writes the statement's SQL again on every call: for the rows an epoch writes (`epochs`,
/// `metrics`, `layer_health`) that was most of a tracked small run's write time
/// (Benchmarks/README.md, "Engine v2").
protocol PreparedInsert: TableRecord {
    /// The columns, in the order of ``insertSQL``, and how each is read from a row.
    static var columns: [InsertColumn<Self>] { get }
    /// `INSERT INTO table (…) VALUES (?, …)`: a stored `static let` of ``makeInsertSQL()``.
    static var insertSQL: String { get }
}

/// A column of a ``PreparedInsert`` row: its name and how its value is read from the row, as
/// the `DatabaseValue` that is bound (read through a closure typed for the column's own value,
/// not an existential opened again for every value of every row).
struct InsertColumn<Row>: Sendable {
    let name: String
    let value: @Sendable (Row) -> DatabaseValue

    init<Value: DatabaseValueConvertible>(_ name: String, _ read: @escaping @Sendable (Row) -> Value?) {
        self.name = name
        value = { read($0)?.databaseValue ?? .null }
    }
}

extension PreparedInsert {
    /// `INSERT` (or, `replacing`, `INSERT OR REPLACE`) of every column.
    static func makeInsertSQL(replacing: Bool = false) -> String {
        "INSERT \(replacing ? "OR REPLACE " : "")INTO \(databaseTableName) (\(columns.map(\.name).joined(separator: ", "))) VALUES ("
            + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
    }

    /// Inserts the row: each column's value bound straight into the statement SQLite keeps
    /// prepared (GRDB's `StatementArguments` built two arrays and nested a closure per value,
    /// most of a tracked small run's write time).
    func insertPrepared(_ db: Database) throws {
        try insert(into: db.cachedStatement(sql: Self.insertSQL))
    }

    /// Inserts `rows` through one statement, taken from GRDB's cache once rather than once a row
    /// (the cache finds a statement by hashing its SQL's text: for an epoch's layer rows, a
    /// snapshot's tensors or a confusion matrix's cells that was a lookup per row), and not at
    /// all when there are none (most epochs raise no alert).
    static func insertAll(_ rows: some Sequence<Self>, _ db: Database) throws {
        var statement: Statement?
        for row in rows {
            let prepared = try statement ?? db.cachedStatement(sql: insertSQL)
            statement = prepared
            try row.insert(into: prepared)
        }
    }

    /// Binds the row's columns into `statement` (made from ``insertSQL``) and runs it.
    private func insert(into statement: Statement) throws {
        let handle = statement.sqliteStatement
        // SQLite copies text and blobs before the call returns (transient).
        let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
        sqlite3_reset(handle)
        for (i, column) in Self.columns.enumerated() {
            let index = CInt(i + 1)
            switch column.value(self).storage {
            case .null: sqlite3_bind_null(handle, index)
            case .int64(let v): sqlite3_bind_int64(handle, index, v)
            case .double(let v): sqlite3_bind_double(handle, index, v)
            case .string(var v):
                // The string's own UTF-8 bytes, not a NUL-terminated copy made for the call.
                v.withUTF8 { bytes in
                    guard !bytes.isEmpty else { return _ = sqlite3_bind_text(handle, index, "", 0, transient) }
                    bytes.withMemoryRebound(to: CChar.self) { _ = sqlite3_bind_text(handle, index, $0.baseAddress, CInt($0.count), transient) }
                }
            case .blob(let v): v.withUnsafeBytes { _ = sqlite3_bind_blob(handle, index, $0.baseAddress, CInt($0.count), transient) }
            }
        }
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw statement.failure(code) }
    }

    /// The row's columns, for GRDB's own encoding.
    func encodeColumns(to container: inout PersistenceContainer) {
        for column in Self.columns { container[column.name] = column.value(self) }
    }
}
