import Foundation
import GRDB

/// Applies the embedded migrations in version order, each in its own IMMEDIATE transaction,
/// and records each with its checksum in `schema_migrations`.
///
/// Unlike GRDB's `DatabaseMigrator`, which reads the applied migrations outside a transaction,
/// each step re-reads them inside its write transaction, so two processes opening a fresh
/// file at once cannot both apply the same migration.
///
/// An empty database is made at once from `baseline`, the schema the migrations make (built from
/// them at build time, `Migration.baseline`), and every migration is recorded as applied: applied
/// one by one, the twenty `ALTER TABLE`s each made SQLite parse the whole schema again, most of
/// what opening a new store cost.
struct SchemaMigrator {
    let migrations: [Migration]
    /// What `migrations` make of an empty database, as one script; `nil` to apply them one by one.
    var baseline: String? = nil
    let path: String

    /// The highest version this binary knows.
    var latestVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// Checks, without writing anything, that the database can be used: it is SQLite, its
    /// schema is not newer than ours, and every applied migration has our checksum.
    func validate(_ db: Database) throws {
        do {
            guard try db.tableExists("schema_migrations") else { return }
            for row in try Row.fetchAll(db, sql: "SELECT version, name, checksum FROM schema_migrations ORDER BY version") {
                let version: Int = row["version"], name: String = row["name"], checksum: String = row["checksum"]
                guard let ours = migrations.first(where: { $0.version == version }) else {
                    throw StoreError.newerSchema(path: path, version: version, supported: latestVersion)
                }
                guard ours.checksum == checksum else {
                    throw StoreError.checksumMismatch(path: path, version: version, name: name)
                }
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw StoreError.notADatabase(path: path)
        }
    }

    /// Whether every migration of this binary is applied (after ``validate(_:)``, none unknown).
    func isUpToDate(_ db: Database) throws -> Bool {
        guard try db.tableExists("schema_migrations") else { return migrations.isEmpty }
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM schema_migrations") == migrations.count
    }

    /// Applies every migration not yet applied.
    ///
    /// What is applied is read first without a lock, so a store that is up to date opens
    /// without waiting for the write lock (a reader is never held up by a long writer).
    func migrate(_ writer: some DatabaseWriter) throws {
        let (applied, empty) = try writer.read { db in
            (try db.tableExists("schema_migrations") ? Set(try Int.fetchAll(db, sql: "SELECT version FROM schema_migrations")) : [],
             try Self.isEmpty(db))
        }
        if empty, let baseline, try create(from: baseline, writer) { return }
        for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(migration.version) {
            try writer.write { db in
                try db.execute(sql: Self.createTable)
                try validate(db)
                let applied = try Bool.fetchOne(db, sql: "SELECT 1 FROM schema_migrations WHERE version = ?",
                                                arguments: [migration.version]) ?? false
                guard !applied else { return }
                try db.execute(sql: migration.sql)
                try record(migration, db)
            }
        }
    }

    /// Makes an empty database's schema from `baseline` and records every migration as applied,
    /// in one transaction; `false` (nothing written) when the database is no longer empty under
    /// the write lock (another process made it meanwhile: the migrations then proceed one by one).
    private func create(from baseline: String, _ writer: some DatabaseWriter) throws -> Bool {
        try writer.write { db in
            guard try Self.isEmpty(db) else { return false }
            try db.execute(sql: Self.createTable)
            try db.execute(sql: baseline)
            for migration in migrations.sorted(by: { $0.version < $1.version }) { try record(migration, db) }
            return true
        }
    }

    private static let createTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)
        """

    /// Whether the database holds no object at all (a new or empty file).
    private static func isEmpty(_ db: Database) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") == 0
    }

    private func record(_ migration: Migration, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, \(Timestamp.nowSQL))",
                       arguments: [migration.version, migration.name, migration.checksum])
    }
}
