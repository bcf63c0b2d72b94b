import Foundation
import GRDBSQLite

/// What the migrations make of an empty database, as one SQL script: each object's `CREATE`
/// statement as SQLite keeps it, in the order the objects were made, the rows the migrations
/// left, and the header values they set (`application_id`, `user_version`).
///
/// A new store runs this script instead of the migrations one by one: each `ALTER TABLE` makes
/// SQLite parse the whole schema again, and the twenty of them were most of what opening a new
/// store cost. The migrations stay the one source: the script is made from them, here, at build
/// time, and kept only when running it makes exactly what they made (``script()``).
struct SchemaBaseline {
    private let database: InMemory

    /// Where SQLite refused a migration, or could not be asked.
    struct Failure: Error {
        let message: String
    }

    init() throws(Failure) {
        database = try InMemory()
    }

    /// Applies one migration's SQL, as the store's migrator does.
    func apply(_ sql: String) throws(Failure) {
        try database.execute(sql)
    }

    /// The script, or `nil` when running it on an empty database does not make what the
    /// migrations made (the tables SQLite makes for itself — a virtual table's, `ANALYZE`'s —
    /// cannot be made by their `CREATE`): new stores then apply the migrations one by one.
    func script() throws(Failure) -> String? {
        let db = database
        // Objects in the order they were made; the tables first, then their rows (foreign keys
        // checked at the commit), then indexes, views and triggers, which seeded rows must not fire.
        let objects = try db.rows("SELECT type, sql FROM sqlite_master WHERE sql IS NOT NULL AND NOT \(InMemory.internalName) ORDER BY rowid")
        var lines = ["PRAGMA defer_foreign_keys = ON;"] + objects.filter { $0[0] == "table" }.map { $0[1] + ";" }
        // Rows the migrations seeded, column by column as SQLite quotes them. Implicit rowids are
        // not carried: a new table numbers its rows again from 1, in the same order (where that
        // differs, after a delete, the check below finds it).
        for table in try db.tables() {
            // AUTOINCREMENT's counters, which the inserts above moved: as the migrations left them.
            if table == "sqlite_sequence" { lines.append("DELETE FROM sqlite_sequence;") }
            let columns = try db.columns(of: table)
            for values in try db.quotedRows(of: table, columns: columns) {
                lines.append("INSERT INTO \(InMemory.identifier(table)) (\(columns.joined(separator: ", "))) VALUES (\(values.joined(separator: ", ")));")
            }
        }
        lines += objects.filter { $0[0] != "table" }.map { $0[1] + ";" }
        for (pragma, value) in try db.header() where value != "0" { lines.append("PRAGMA \(pragma) = \(value);") }
        let script = lines.joined(separator: "\n")
        // As a new store runs it: in one transaction.
        let made = try InMemory()
        do { try made.execute("BEGIN;\n" + script + "\nCOMMIT;") } catch { return nil }
        return try made.contents() == db.contents() ? script : nil
    }
}

/// An SQLite database in memory, asked through SQLite's C interface.
private final class InMemory {
    private var db: OpaquePointer?

    /// SQLite's own objects (`sqlite_sequence`, `sqlite_stat1`, automatic indexes).
    static let internalName = "name LIKE 'sqlite\\_%' ESCAPE '\\'"

    init() throws(SchemaBaseline.Failure) {
        guard sqlite3_open(":memory:", &db) == SQLITE_OK else {
            throw SchemaBaseline.Failure(message: "SQLite could not open a database in memory")
        }
        // As the store applies migrations (GRDB's default).
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit { sqlite3_close(db) }

    func execute(_ sql: String) throws(SchemaBaseline.Failure) {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(db, sql, nil, nil, &message) == SQLITE_OK else {
            defer { sqlite3_free(message) }
            throw SchemaBaseline.Failure(message: message.map { String(cString: $0) } ?? "SQLite error \(sqlite3_errcode(db))")
        }
    }

    /// The rows of one query, each column as text (`NULL` for null).
    func rows(_ sql: String) throws(SchemaBaseline.Failure) -> [[String]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            throw SchemaBaseline.Failure(message: String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(statement) }
        var result: [[String]] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                result.append((0..<sqlite3_column_count(statement)).map { i in
                    sqlite3_column_text(statement, i).map { String(cString: $0) } ?? "NULL"
                })
            case SQLITE_DONE: return result
            default: throw SchemaBaseline.Failure(message: String(cString: sqlite3_errmsg(db)))
            }
        }
    }

    /// The tables that hold rows, in the order they were made, then AUTOINCREMENT's counters.
    func tables() throws(SchemaBaseline.Failure) -> [String] {
        try rows("SELECT name FROM sqlite_master WHERE type = 'table' AND NOT \(Self.internalName) ORDER BY rowid").map { $0[0] }
            + rows("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'").map { $0[0] }
    }

    /// A table's columns that take values (not generated ones), quoted.
    func columns(of table: String) throws(SchemaBaseline.Failure) -> [String] {
        try rows("SELECT name FROM pragma_table_xinfo(\(Self.literal(table))) WHERE hidden = 0").map { Self.identifier($0[0]) }
    }

    /// A table's rows, each value as an SQL literal.
    func quotedRows(of table: String, columns: [String]) throws(SchemaBaseline.Failure) -> [[String]] {
        try rows("SELECT \(columns.map { "quote(\($0))" }.joined(separator: ", ")) FROM \(Self.identifier(table))")
    }

    /// The header values a migration may set.
    func header() throws(SchemaBaseline.Failure) -> [(String, String)] {
        try ["application_id", "user_version"].map { pragma throws(SchemaBaseline.Failure) in (pragma, try rows("PRAGMA \(pragma)")[0][0]) }
    }

    /// Everything that makes the database what it is: its objects (automatic indexes included),
    /// every table's rows with their rowids where they have one, sorted, and its header values.
    func contents() throws(SchemaBaseline.Failure) -> [String] {
        var lines = try rows("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").map { $0.joined(separator: "|") }
        for table in try rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map({ $0[0] }) {
            let columns = try columns(of: table)
            let values: [[String]]
            do { values = try quotedRows(of: table, columns: ["rowid"] + columns) } catch { values = try quotedRows(of: table, columns: columns) }
            lines += values.map { table + "|" + $0.joined(separator: ",") }.sorted()
        }
        return lines + (try header().map { "\($0)=\($1)" })
    }

    static func identifier(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}
