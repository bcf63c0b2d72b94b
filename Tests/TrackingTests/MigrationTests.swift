import GradbookTestSupport
import Foundation
import GRDB
import Tracking
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

    func testEveryEarlierVersionIsBroughtUpToDate() throws {
        let all = Migration.embedded
        for applied in 0..<all.count {
            let file = path("v\(applied).sqlite")
            let queue = try DatabaseQueue(path: file)
            try queue.write { db in
                try db.execute(sql: "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)")
                for m in all.prefix(applied) {
                    try db.execute(sql: m.sql)
                    try db.execute(sql: "INSERT INTO schema_migrations VALUES (?, ?, ?, 'then')", arguments: [m.version, m.name, m.checksum])
                }
            }
            try queue.close()
            let store = try RunStore(path: file)
            XCTAssertEqual(try store.schemaVersion(), all.last!.version, "from version \(applied)")
            let recorded = try RawDatabase.read(store.path) { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM schema_migrations") }
            XCTAssertEqual(recorded, all.count)
        }
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

    func testNewerSchemaIsRefusedAndLeftByteIdentical() throws {
        let file = path()
        do { let store = try RunStore(path: file); _ = try store.startRun(sampleRun()) }
        try execute("INSERT INTO schema_migrations VALUES (9999, 'from_the_future', 'abc', 'later')", on: file)
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try RunStore(path: file)) { error in
            XCTAssertTrue("\(error)".contains("schema version 9999"), "\(error)")
            XCTAssertTrue("\(error)".contains("left untouched"), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), before)
    }

    func testEditedMigrationIsRefused() throws {
        let file = path()
        _ = try RunStore(path: file)
        try execute("UPDATE schema_migrations SET checksum = '0000000000000000' WHERE version = 1", on: file)
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try RunStore(path: file)) { error in
            XCTAssertTrue("\(error)".contains("applied migration 1 (initial) with a different text"), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), before)
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
