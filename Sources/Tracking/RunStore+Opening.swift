import Foundation
import GRDB
import Synchronization

/// Opening a store: which connections, and the checks made before anything is written.
extension RunStore {
    /// Refuses, before SQLite sees it, a path that cannot be a store file.
    static func checkPath(_ path: String, create: Bool) throws(StoreError) {
        if path.isEmpty || path.contains("\u{0}") {
            throw .cannotOpen(path: path, reason: path.isEmpty ? "the path is empty" : "the path holds a NUL byte")
        }
        if path.lowercased().hasPrefix("file:") {
            throw .cannotOpen(path: path, reason: "a file: URI; give the database's path instead (./\(path) for a file so named)")
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            guard create else { throw .noDatabase(path: path) }
            let folder = Paths.folder(of: path)
            guard Paths.isFolder(folder) else {
                throw .cannotOpen(path: path, reason: "its folder '\(folder)' does not exist")
            }
            guard Paths.isWritable(folder) else { throw .readOnly(path: path) }
            return
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: throw .cannotOpen(path: path, reason: "it is a folder; give the path of a database file, e.g. '\(path)/gradbook.sqlite'")
        default: throw .cannotOpen(path: path, reason: "it is not a regular file (a device, a pipe or a socket); give the path of a database file")
        }
    }

    /// For ``StoreAccess/read``, an up-to-date store's read-only connection; otherwise the pool.
    static func openDatabase(path: String, access: StoreAccess, migrator: SchemaMigrator, config: Configuration,
                             busyTimeout: Double) throws -> (any DatabaseWriter, readOnly: Bool) {
        if access == .read, Paths.size(path) > 0 {
            let (queue, upToDate) = try openReadOnly(path: path, migrator: migrator, busyTimeout: busyTimeout)
            if upToDate { return (queue, true) }
            try queue.close()
        }
        return (try openAndMigrate(path: path, migrator: migrator, config: config, busyTimeout: busyTimeout), false)
    }

    /// Opens the pool, its writer checking the file before the pool writes anything (WAL mode,
    /// migrations), then applies pending migrations. An existing file whose header does not name
    /// it a Gradbook store is first checked through a read-only connection, so a file that is not
    /// ours is never opened for writing (reading it through a writer could roll back another
    /// program's hot journal, or fold its write-ahead log into the file on close).
    private static func openAndMigrate(path: String, migrator: SchemaMigrator, config: Configuration,
                                       busyTimeout: Double) throws -> DatabasePool {
        if Paths.size(path) > 0 && !StoreHeader.isGradbookStore(path) {
            try openReadOnly(path: path, migrator: migrator, busyTimeout: busyTimeout).queue.close()
        }
        var config = config
        // The schema's version when the writer's connection checked the file (read before the
        // check, so that a change during it counts as a change).
        let checkedVersion = Mutex<Int32?>(nil)
        config.prepareDatabase { db in
            // Readers are read-only; GRDB runs this before it sets up WAL mode.
            guard !db.configuration.readonly else { return }
            let version = try db.schemaVersion()
            try checkIsStore(db, path: path, migrator: migrator)
            checkedVersion.withLock { $0 = version }
        }
        let pool = try DatabasePool(path: path, configuration: config)
        try migrator.migrate(pool)
        // The writer's connection cached the schema when it checked the file, maybe before another
        // process made the store; GRDB never refreshes a writer's cached schema by itself (its
        // readers check at each read), and a record's insert then found "no such table". Dropped
        // when the schema changed since (always dropping it cost a small run 2 % re-reading it).
        try pool.writeWithoutTransaction { db in
            if try db.schemaVersion() != checkedVersion.withLock({ $0 }) { db.clearSchemaCache() }
        }
        return pool
    }

    /// Opens a read-only connection to an existing file and checks the file through it, so a
    /// refused file is never written: a Gradbook store passes; an SQLite database of something
    /// else does not. `upToDate`: every migration of this binary is applied.
    private static func openReadOnly(path: String, migrator: SchemaMigrator,
                                     busyTimeout: Double) throws -> (queue: DatabaseQueue, upToDate: Bool) {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(busyTimeout)
        let queue = try DatabaseQueue(path: path, configuration: config)
        do {
            return (queue, try queue.read { db in
                try checkIsStore(db, path: path, migrator: migrator)
                return try migrator.isUpToDate(db)
            })
        } catch {
            try? queue.close()
            throw error
        }
    }

    /// Refuses a database that is not a Gradbook store (tables but no migrations applied), or
    /// whose migrations are not this binary's.
    ///
    /// Whether there are tables and whether `schema_migrations` is one of them are read in one
    /// statement, one snapshot: a writer's connection checks outside any transaction, and another
    /// process making the store between two reads (no `schema_migrations` yet, then every table)
    /// made a new store look foreign (one process in ~500 of eight opening one new file at once).
    static func checkIsStore(_ db: Database, path: String, migrator: SchemaMigrator) throws {
        try migrator.validate(db)
        let objects = try Row.fetchAll(db, sql: "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
        let isStore = objects.contains { row in
            row["type"] as String == "table" && (row["name"] as String).lowercased() == "schema_migrations"
        }
        if !objects.isEmpty && !isStore { throw StoreError.foreignDatabase(path: path, tables: objects.map { $0["name"] }) }
    }

    /// Reads another store file (a shard, a merge source) through a read-only connection, after
    /// checking that it is a Gradbook store whose schema this binary can read; the file is never
    /// written.
    static func readOther<T>(_ path: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        guard Paths.exists(path) else { throw .cannotOpen(path: path, reason: "no such file") }
        var config = Configuration()
        config.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                try checkIsStore(db, path: path, migrator: SchemaMigrator(migrations: Migration.embedded, path: path))
                return try body(db)
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw .notADatabase(path: path)
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
    }
}
