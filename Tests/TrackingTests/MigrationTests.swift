import GradbookTestSupport
import Foundation
import GRDB
import Tracking
import Synchronization
import XCTest

final class MigrationTests: StoreTestCase {
    func testEmptyFileIsMigratedToTheLatestVersion() throws {
        let store = try RunStore(path: path())
        XCTAssertEqual(try store.schemaVersion(), Migration.embedded.map(\.version).max())
        let tables = try RawDatabase.read(store.path) { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')") }
        for name in ["experiments", "sweeps", "runs", "params", "epochs", "metrics", "tags", "notes", "run_summary", "curves"] {
            XCTAssertTrue(tables.contains(name), "missing \(name)")
        }
        let mode = try RawDatabase.read(store.path) { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        XCTAssertEqual(mode, "wal")
    }

    /// Opened to write or to read, a store of every earlier version is brought up to date (a
    /// command that only reads writes once, to migrate); an up-to-date one opened to read is read
    /// through a read-only connection.
    func testEveryEarlierVersionIsBroughtUpToDate() throws {
        let all = Migration.embedded
        for applied in 0...all.count {
          for access in [StoreAccess.write, .read] {
            let file = path("v\(applied)-\(access).sqlite")
            let queue = try DatabaseQueue(path: file)
            try queue.write { db in
                try db.execute(sql: "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)")
                for m in all.prefix(applied) {
                    try db.execute(sql: m.sql)
                    try db.execute(sql: "INSERT INTO schema_migrations VALUES (?, ?, ?, 'then')", arguments: [m.version, m.name, m.checksum])
                }
            }
            try queue.close()
            let store = try RunStore(path: file, access: access)
            XCTAssertEqual(try store.schemaVersion(), all.last!.version, "from version \(applied)")
            XCTAssertEqual(store.readOnly, access == .read && applied == all.count, "from version \(applied), \(access)")
            try store.close()
            let recorded = try RawDatabase.read(file) { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM schema_migrations") }
            XCTAssertEqual(recorded, all.count)
          }
        }
    }

    /// A new store is made at once from the schema the migrations make (`Migration.baseline`,
    /// built from them at build time) rather than by applying them one by one: it must be the
    /// store the migrations make — every object's SQL, every column, the header's values, every
    /// row, and every migration recorded with its checksum.
    func testANewStoreIsExactlyWhatTheMigrationsMakeOneByOne() throws {
        XCTAssertNotNil(Migration.baseline, "the build embeds the migrations' schema")
        let made = path("new.sqlite")
        try RunStore(path: made).close()
        // The migrations one by one: a store with no migration applied yet is not empty (it has
        // the table that records them), so the migrator applies each in turn.
        let stepped = path("stepped.sqlite")
        let queue = try DatabaseQueue(path: stepped)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)")
        }
        try queue.close()
        try RunStore(path: stepped).close()
        let (new, old) = (try schema(of: made), try schema(of: stepped))
        XCTAssertEqual(new.filter { !old.contains($0) }, [], "only in the new store")
        XCTAssertEqual(old.filter { !new.contains($0) }, [], "only in the store migrated one by one")
        XCTAssertEqual(new.count, old.count)
    }

    /// Stores opening one new file at once (as processes started together do): one makes it, the
    /// others find it made; every migration is recorded once, and the store works.
    func testStoresOpeningOneNewFileAtOnceMakeItOnce() throws {
        let file = path("together.sqlite")
        let errors = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do { try RunStore(path: file).close() } catch { errors.withLock { $0.append("\(error)") } }
        }
        XCTAssertEqual(errors.withLock { $0 }, [])
        let versions = try RawDatabase.read(file) { try Int.fetchAll($0, sql: "SELECT version FROM schema_migrations ORDER BY version") }
        XCTAssertEqual(versions, Migration.embedded.map(\.version))
        let store = try RunStore(path: file)
        try store.finishRun(run: try store.startRun(sampleRun("after")), status: .finished)
        XCTAssertEqual(try store.run("after").id, 1)
    }

    /// Everything a store's schema is, line by line: its objects' SQL (the table that records the
    /// migrations by its columns, its SQL being the test's own in one of the two), every table's
    /// and view's columns, the header's values, and every row (the migrations' without the time
    /// they were applied).
    private func schema(of file: String) throws -> [String] {
        try RawDatabase.read(file) { db in
            var lines = try Row.fetchAll(db, sql: """
                SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name != 'schema_migrations' ORDER BY type, name
                """).map(\.description)
            let names = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")
            for name in names {
                lines += try Row.fetchAll(db, sql: "SELECT * FROM pragma_table_xinfo(?)", arguments: [name]).map { "\(name) \($0)" }
                guard try String.fetchOne(db, sql: "SELECT type FROM sqlite_master WHERE name = ?", arguments: [name]) == "table" else { continue }
                let columns = name == "schema_migrations" ? "version, name, checksum" : "*"
                lines += try Row.fetchAll(db, sql: "SELECT \(columns) FROM \"\(name)\"").map { "\(name) \($0)" }.sorted()
            }
            for pragma in ["application_id", "user_version", "page_size", "auto_vacuum", "encoding", "journal_mode"] {
                lines.append("\(pragma) \(try String.fetchOne(db, sql: "PRAGMA \(pragma)") ?? "-")")
            }
            return lines
        }
    }

    /// A store opened to read writes nothing: it reads what is stored, a write through it fails
    /// as a read-only store's does, and neither the file nor its log changes.
    func testAStoreOpenedToReadWritesNothing() throws {
        let file = path()
        do {
            let store = try RunStore(path: file)
            try store.finishRun(run: try store.startRun(sampleRun("kept")), status: .finished)
            try store.close()
        }
        let before = files(file)
        let reader = try RunStore(path: file, access: .read)
        XCTAssertTrue(reader.readOnly)
        XCTAssertEqual(try reader.run("kept").id, 1)
        XCTAssertThrowsError(try reader.startRun(sampleRun("new"))) { error in
            XCTAssertTrue("\(error)".contains("read-only"), "\(error)")
        }
        try reader.close()
        XCTAssertEqual(files(file), before)
    }

    /// Version 10 moves the catalogue's metrics from rows of `metrics` into columns of `epochs`:
    /// every value a store held before is there after, where the catalogue says, and the `metrics`
    /// view still answers the queries written against the old table.
    func testTheCataloguesMetricsMoveIntoColumnsAndNothingIsLost() throws {
        let all = Migration.embedded
        let file = path("v9.sqlite")
        let queue = try DatabaseQueue(path: file)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)")
            for m in all.prefix(while: { $0.version <= 9 }) {
                try db.execute(sql: m.sql)
                try db.execute(sql: "INSERT INTO schema_migrations VALUES (?, ?, ?, 'then')", arguments: [m.version, m.name, m.checksum])
            }
            try db.execute(sql: """
                INSERT INTO runs (id, uuid, status, created_at, config, gradbook_version) VALUES (1, 'u1', 'finished', 'then', '{}', 'old');
                INSERT INTO epochs (run_id, epoch, train_loss, recorded_at) VALUES (1, 1, 0.9, 't1'), (1, 2, 0.8, 't2');
                INSERT INTO metrics (run_id, epoch, name, value) VALUES
                    (1, 1, 'val_loss', 0.7), (1, 2, 'val_loss', 0.6), (1, 1, 'grad_norm', 1.5), (1, 2, 'test_macro_f1', 0.25),
                    (1, 2, 'alerts', NULL), (1, 1, 'my_metric', 42), (1, 3, 'val_loss', 0.5);
                """)
        }
        let before = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT run_id, epoch, name, value FROM metrics WHERE value IS NOT NULL ORDER BY run_id, epoch, name").map(\.description)
        }
        try queue.close()

        let store = try RunStore(path: file)
        XCTAssertEqual(try store.schemaVersion(), all.last!.version)
        try RawDatabase.read(file) { db in
            let after = try Row.fetchAll(db, sql: "SELECT run_id, epoch, name, value FROM metrics ORDER BY run_id, epoch, name").map(\.description)
            XCTAssertEqual(after, before, "the metrics view gives every stored value back")
            let epochs = try Row.fetchAll(db, sql: "SELECT epoch, train_loss, val_loss, grad_norm, test_macro_f1 FROM epochs ORDER BY epoch")
            XCTAssertEqual(epochs.map(\.description), [
                "[epoch:1 train_loss:0.9 val_loss:0.7 grad_norm:1.5 test_macro_f1:NULL]",
                "[epoch:2 train_loss:0.8 val_loss:0.6 grad_norm:NULL test_macro_f1:0.25]",
                "[epoch:3 train_loss:NULL val_loss:0.5 grad_norm:NULL test_macro_f1:NULL]",
            ], "a metric of an epoch without a row gets one")
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT name FROM extra_metrics"), ["my_metric"])
            // Whether any run has a validation curve stays one seek (selection asks it).
            let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT EXISTS (SELECT 1 FROM epochs WHERE val_loss IS NOT NULL)")
            XCTAssertTrue(plan.contains { ($0["detail"] as String).contains("epochs_validated") }, "\(plan)")
        }
        XCTAssertEqual(try store.epochs(run: 1).map { $0.value(of: "val_loss") }, [0.7, 0.6, 0.5])
    }

    func testEmbeddedMigrationsAreTheSQLFiles() throws {
        // The binary's copy must be the files under migrations/, byte for byte.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let files = try FileManager.default.contentsOfDirectory(at: root.appendingPathComponent("migrations"), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        XCTAssertEqual(files.count, Migration.embedded.count)
        for (file, migration) in zip(files, Migration.embedded) {
            XCTAssertEqual(file.lastPathComponent, String(format: "%04d_%@.sql", migration.version, migration.name))
            var text = try String(contentsOf: file, encoding: .utf8)
            if text.hasSuffix("\n") { text.removeLast() }
            XCTAssertEqual(text, migration.sql)
        }
    }

    /// The file and its write-ahead log, byte for byte (nil for a file that is not there or, for
    /// the log, empty: SQLite's read-only connection leaves an empty one, which holds nothing).
    private func files(_ file: String) -> [Data?] {
        [file, file + "-wal"].map { (try? Data(contentsOf: URL(fileURLWithPath: $0))).flatMap { $0.isEmpty ? nil : $0 } }
    }

    /// A store says in its header that it is one (SQLite's application id, "GRBK"), so `file`
    /// and other tools can tell, and Gradbook opens it without a read-only check first.
    func testAStoreIsMarkedInItsHeader() throws {
        let file = path()
        try RunStore(path: file).close()
        let header = try XCTUnwrap(files(file)[0]).prefix(100)
        XCTAssertEqual(Array(header.prefix(16)), Array("SQLite format 3\0".utf8))
        XCTAssertEqual(String(decoding: header[68..<72], as: UTF8.self), "GRBK")
    }

    /// A store this binary cannot read (a newer schema, an edited migration) is refused, marked
    /// in its header or not (checked by the pool's writer before it writes anything, or first
    /// through a read-only connection), and neither the file nor its log changes.
    func testNewerSchemaIsRefusedAndLeftByteIdentical() throws {
        for marked in [true, false] {
            let file = path("newer-\(marked).sqlite")
            do { let store = try RunStore(path: file); _ = try store.startRun(sampleRun()) }
            try execute("INSERT INTO schema_migrations VALUES (9999, 'from_the_future', 'abc', 'later')", on: file)
            if !marked { try execute("PRAGMA application_id = 0", on: file) }
            let before = files(file)
            XCTAssertThrowsError(try RunStore(path: file)) { error in
                XCTAssertTrue("\(error)".contains("schema version 9999"), "\(error)")
                XCTAssertTrue("\(error)".contains("left untouched"), "\(error)")
            }
            XCTAssertEqual(files(file), before, "marked: \(marked)")
        }
    }

    func testEditedMigrationIsRefused() throws {
        for marked in [true, false] {
            let file = path("edited-\(marked).sqlite")
            _ = try RunStore(path: file)
            try execute("UPDATE schema_migrations SET checksum = '0000000000000000' WHERE version = 1", on: file)
            if !marked { try execute("PRAGMA application_id = 0", on: file) }
            let before = files(file)
            XCTAssertThrowsError(try RunStore(path: file)) { error in
                XCTAssertTrue("\(error)".contains("applied migration 1 (initial) with a different text"), "\(error)")
            }
            XCTAssertEqual(files(file), before, "marked: \(marked)")
        }
    }

    func testAFileThatIsNotSQLiteIsRefusedAndLeftByteIdentical() throws {
        let file = path("notes.sqlite")
        var rng = SystemRandomNumberGenerator()
        let bytes = Data((0..<8192).map { _ in UInt8.random(in: 0...255, using: &rng) })
        try bytes.write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try RunStore(path: file)) { error in
            XCTAssertEqual("\(error)", "'\(file)' is not a Gradbook database (not an SQLite file); it was left untouched")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), bytes)
    }

    func testAPathThatCannotBeCreatedIsAClearError() {
        let file = folder.appendingPathComponent("no/such/folder/db.sqlite").path
        XCTAssertThrowsError(try RunStore(path: file)) { error in
            XCTAssertTrue("\(error)".hasPrefix("cannot open database '\(file)'"), "\(error)")
        }
    }
}
