import Foundation
import GRDB
import XCTest

/// The build's migration tool run on migrations of its own: the schema script it embeds for new
/// stores makes exactly what the migrations make one by one, seeded rows and header values
/// included; migrations whose result a script cannot make again embed none; SQL SQLite refuses
/// fails the build, naming the file.
final class MigrationEmbedderTests: EndToEndTestCase {
    private var tool: URL { GradbookProcess.binary.deletingLastPathComponent().appendingPathComponent("MigrationEmbedder") }

    /// Runs the tool on `migrations` (file name → SQL): its exit status, stderr and the script
    /// it embedded (`nil` for none).
    private func embed(_ migrations: [String: String]) throws -> (status: Int32, stderr: String, script: String?) {
        let sql = folder.appendingPathComponent("migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: sql, withIntermediateDirectories: true)
        for (name, text) in migrations { try text.write(to: sql.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let output = folder.appendingPathComponent("Embedded.swift")
        let result = try GradbookProcess.run([output.path, sql.path], in: folder, executable: tool)
        guard result.status == 0 else { return (result.status, result.stderr, nil) }
        let source = try String(contentsOf: output, encoding: .utf8)
        let start = try XCTUnwrap(source.range(of: "public static let baseline: String? = "))
        let rest = source[start.upperBound...]
        guard rest.hasPrefix("#\"\"\"\n"), let end = rest.range(of: "\n\"\"\"#") else {
            XCTAssertTrue(rest.hasPrefix("nil"), String(rest.prefix(80)))
            return (0, result.stderr, nil)
        }
        return (0, result.stderr, String(rest[rest.index(rest.startIndex, offsetBy: 5)..<end.lowerBound]))
    }

    /// Every object, row and header value of a database made by running `scripts` in order.
    private func contents(_ scripts: [String]) throws -> [String] {
        let queue = try DatabaseQueue()
        return try queue.write { db in
            for script in scripts { try db.execute(sql: script) }
            var lines = try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").map(\.description)
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") {
                lines += try Row.fetchAll(db, sql: "SELECT rowid, * FROM \"\(table)\"").map { "\(table) \($0)" }.sorted()
            }
            for pragma in ["application_id", "user_version"] { lines.append("\(pragma) \(try Int.fetchOne(db, sql: "PRAGMA \(pragma)") ?? -1)") }
            return lines
        }
    }

    func testTheScriptMakesWhatTheMigrationsMakeRowsAndHeaderIncluded() throws {
        let migrations = [
            "0001_first.sql": """
                CREATE TABLE kinds (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, weight REAL, raw BLOB);
                INSERT INTO kinds (name, weight, raw) VALUES ('it''s "quoted"', 0.1, x'00ff'), ('second', NULL, NULL);
                CREATE TABLE plain (note TEXT);  -- no primary key: rows by rowid
                INSERT INTO plain VALUES ('a'), ('b');
                CREATE TABLE counted (id INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT);
                INSERT INTO counted (what) VALUES ('one'), ('two');
                DELETE FROM counted WHERE what = 'two';
                """,
            "0002_second.sql": """
                ALTER TABLE kinds ADD COLUMN added TEXT NOT NULL DEFAULT 'x';
                ALTER TABLE kinds ADD COLUMN twice REAL GENERATED ALWAYS AS (weight * 2) VIRTUAL;
                CREATE INDEX kinds_by_weight ON kinds(weight);
                CREATE VIEW heavy AS SELECT name FROM kinds WHERE weight > 0;
                CREATE TRIGGER kinds_named AFTER INSERT ON kinds BEGIN UPDATE kinds SET added = 'y' WHERE id = new.id; END;
                PRAGMA user_version = 7;
                PRAGMA application_id = 1196573259;
                """,
        ]
        let (status, stderr, script) = try embed(migrations)
        XCTAssertEqual(status, 0, stderr)
        let baseline = try XCTUnwrap(script, "a script is embedded")
        XCTAssertTrue(baseline.contains("'it''s \"quoted\"'"), baseline)
        XCTAssertTrue(baseline.contains("PRAGMA user_version = 7;"), baseline)
        let steps = migrations.keys.sorted().map { migrations[$0]! }
        XCTAssertEqual(try contents([baseline]), try contents(steps))
    }

    /// A virtual table's own tables, and `ANALYZE`'s, are made by SQLite, not by their `CREATE`;
    /// rows left after a delete keep rowids a script would number again: no script is embedded,
    /// and new stores apply the migrations one by one.
    func testMigrationsAScriptCannotMakeAgainEmbedNone() throws {
        for sql in ["CREATE VIRTUAL TABLE documents USING fts5(body);",
                    "CREATE TABLE t (a); CREATE INDEX t_a ON t(a); INSERT INTO t VALUES (1), (2); ANALYZE;",
                    "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('a'), ('b'), ('c'); DELETE FROM notes WHERE text = 'b';"] {
            let (status, stderr, script) = try embed(["0001_only.sql": sql])
            XCTAssertEqual(status, 0, stderr)
            XCTAssertNil(script, sql)
        }
    }

    func testSQLThatSQLiteRefusesFailsTheBuildNamingTheFile() throws {
        let (status, stderr, _) = try embed(["0001_good.sql": "CREATE TABLE a (x);", "0002_bad.sql": "CREATE TABLE b (y;"])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(stderr.contains("0002_bad.sql: SQLite refuses it:"), stderr)
        XCTAssertTrue(stderr.contains("syntax error"), stderr)
    }
}
