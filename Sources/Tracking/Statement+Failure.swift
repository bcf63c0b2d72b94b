import GRDB
import GRDBSQLite

extension Statement {
    /// The error of a step SQLite answered with `code` (neither a row nor done), as GRDB reports
    /// one: for the loops that step a statement with SQLite's own calls.
    func failure(_ code: CInt) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code),
                      message: String(cString: sqlite3_errmsg(sqlite3_db_handle(sqliteStatement))), sql: sql)
    }
}
