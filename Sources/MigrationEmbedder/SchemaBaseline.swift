import Foundation
import GRDBSQLite

/// What the migrations make of an empty database, as one SQL script: each object's `CREATE`
/// statement as SQLite keeps it, in the order the objects were made, the rows the migrations
/// left, and the header values they set (`application_id`, `user_version`).
///
/// A new store runs this script instead of the migrations one by one: each `ALTER TABLE` makes
/// SQLite parse the whole schema again, and the twenty of them were most of the 40 ms a new
/// store cost. The migrations stay the one source: the script is made from them, here, at build
/// time, by the SQLite the binary links.
struct SchemaBaseline {
    private var db: OpaquePointer?

    /// Where SQLite refused a migration, or could not be asked.
    struct Failure: Error {
        let message: String
    }

    init() throws(Failure) {
        guard sqlite3_open(":memory:", &db) == SQLITE_OK else { throw Failure(message: "SQLite could not open a database in memory") }
        // As the store applies them (GRDB's default).
        try execute("PRAGMA foreign_keys = ON")
    }

    /// Applies one migration's SQL, as the store's migrator does.
    func apply(_ sql: String) throws(Failure) {
        try execute(sql)
    }

    /// The script, or `nil` when the migrations made something a script cannot make again
    /// (`ANALYZE`'s statistics tables).
    func script() throws(Failure) -> String? {
        let internalName = "name LIKE 'sqlite\\_%' ESCAPE '\\'"
        if try !rows("SELECT name FROM sqlite_master WHERE name LIKE 'sqlite\\_stat%' ESCAPE '\\'").isEmpty { return nil }
        // Objects in the order they were made: a table before its indexes and triggers.
        var lines = try rows("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND NOT \(internalName) ORDER BY rowid").map { $0[0] + ";" }
        // Rows the migrations seeded (AUTOINCREMENT's counters included), column by column as
        // SQLite quotes them. Implicit rowids are not carried: a fresh table numbers its rows
        // again from 1, in the same order.
        let tables = try rows("SELECT name FROM sqlite_master WHERE type = 'table' AND (NOT \(internalName) OR name = 'sqlite_sequence') ORDER BY rowid")
        for table in tables.map({ $0[0] }) {
            let columns = try rows("SELECT name FROM pragma_table_xinfo(\(literal(table))) WHERE hidden = 0").map { identifier($0[0]) }
            let quoted = columns.map { "quote(\($0))" }.joined(separator: ", ")
            for values in try rows("SELECT \(quoted) FROM \(identifier(table))") {
                lines.append("INSERT INTO \(identifier(table)) (\(columns.joined(separator: ", "))) VALUES (\(values.joined(separator: ", ")));")
            }
        }
        for pragma in ["application_id", "user_version"] {
            let value = try rows("PRAGMA \(pragma)")[0][0]
            if value != "0" { lines.append("PRAGMA \(pragma) = \(value);") }
        }
        return lines.joined(separator: "\n")
    }

    private func execute(_ sql: String) throws(Failure) {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(db, sql, nil, nil, &message) == SQLITE_OK else {
            defer { sqlite3_free(message) }
            throw Failure(message: message.map { String(cString: $0) } ?? "SQLite error \(sqlite3_errcode(db))")
        }
    }

    /// The rows of one query, each column as text.
    private func rows(_ sql: String) throws(Failure) -> [[String]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            throw Failure(message: String(cString: sqlite3_errmsg(db)))
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
            default: throw Failure(message: String(cString: sqlite3_errmsg(db)))
            }
        }
    }

    private func identifier(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    private func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}
