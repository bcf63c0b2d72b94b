import Foundation
import GRDB
import GradbookTestSupport
import XCTest

/// The store against what a user, a clock or another command can do to it: outputs pointed at
/// it, files that are not Gradbook's, a live run's clock behind, a large delete beside a run,
/// two copies of one sweep at once. Each is refused with a message naming the file, or done
/// without losing a row.
final class NothingLostEndToEndTests: EndToEndTestCase {
    private func sha(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    private func run(_ path: String, _ arguments: String...) throws -> GradbookProcess.Result {
        try gradbook(arguments + ["--db", path])
    }

    /// The store's rows (runs and every run table), for comparing before and after.
    private func rows(_ path: String? = nil) throws -> [String: [String]] {
        try StoreTables.rows(path ?? databasePath, key: "r.uuid")
    }

    // MARK: - Outputs

    func testNoOutputLandsOnTheStoreAFolderOrAnotherDatabase() throws {
        XCTAssertEqual(try gradbook("sweep", "--activation", "relu,tanh", "--lr", "0.1", "--epochs", "4").status, 0)
        let before = try rows()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        // Links named as outputs are (plot takes only .svg and .png).
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("alias.svg").path, withDestinationPath: databasePath + "-wal")
        XCTAssertEqual(link(databasePath, folder.appendingPathComponent("hard.svg").path), 0)
        let storeSpellings = ["gradbook.sqlite", "./sub/../gradbook.sqlite", "gradbook.sqlite-wal", "gradbook.sqlite-shm", "alias.svg", "hard.svg"]
        let commands: [[String]] = [["runs"], ["compare", "1", "2"], ["export", "curves"], ["export", "runs"], ["export", "diagnostics"],
                                    ["report"], ["plot", "1"]]
        for command in commands {
            for target in command == ["plot", "1"] ? ["alias.svg", "hard.svg"] : storeSpellings {
                let r = try gradbook(command + ["-o", target])
                XCTAssertEqual(r.status, 1, "\(command) -o \(target): \(r.stderr)")
                XCTAssertTrue(r.stderr.contains("'\(target)' is the database being read"), "\(command) -o \(target): \(r.stderr)")
            }
        }
        let weights = try gradbook("export", "weights", "1", "--dir", "sub/..")
        XCTAssertEqual(weights.status, 0, "a folder beside the store is fine: \(weights.stderr)")
        XCTAssertEqual(try rows(), before, "every row as it was")
        XCTAssertEqual(try query { try String.fetchOne($0, sql: "PRAGMA integrity_check") }, "ok")

        let other = folder.appendingPathComponent("other.sqlite").path
        XCTAssertEqual(try gradbook("run", "--epochs", "1", "--db", other).status, 0)
        let otherBytes = try sha(other)
        try Data("mine\n".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        for (arguments, message) in [(["runs", "-o", "sub"], "'sub' is a folder: expected a file to write (e.g. 'sub/out.csv')"),
                                     (["runs", "-o", "other.sqlite"], "'other.sqlite' is an SQLite database: refusing to write over it"),
                                     (["runs", "-o", "missing/out.csv"], "cannot write 'missing/out.csv': its folder 'missing' does not exist"),
                                     (["export", "weights", "1", "--dir", "notes.txt"], "'notes.txt' is a file: expected a folder to write into")] {
            let r = try gradbook(arguments)
            XCTAssertEqual(r.status, 1, "\(arguments)")
            XCTAssertTrue(r.stderr.contains(message), "\(arguments): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("NSCocoaErrorDomain"), r.stderr)
        }
        XCTAssertEqual(try sha(other), otherBytes)
        XCTAssertEqual(try rows(), before)
        let toStdout = try gradbook("runs", "--format", "csv", "-o", "-")
        XCTAssertEqual(toStdout.status, 0)
        XCTAssertEqual(toStdout.stdout.split(whereSeparator: \.isNewline).count, 3, "'-' is standard output")
        XCTAssertEqual(try gradbook("runs", "-o", "/dev/null").status, 0, "a device is written in place")
    }

    /// kill -9 at a random moment of an export: the file named holds the old contents or the
    /// whole new ones, never a part; no `.npy` is ever truncated under its own name.
    func testAKilledExportLeavesTheOldFileOrTheWholeNewOne() throws {
        XCTAssertEqual(try gradbook("sweep", "--activation", "relu,tanh,sigmoid", "--lr", "0.1,0.03", "--epochs", "400", "--seeds", "2",
                                    "--layers", "128,128", "--snapshot-every", "100").status, 0)
        let started = Date()
        let whole = try gradbook("export", "curves", "--layout", "long")
        let duration = Date().timeIntervalSince(started)
        XCTAssertEqual(whole.status, 0)
        XCTAssertGreaterThan(whole.stdout.utf8.count, 500_000)
        let wholeWeights = folder.appendingPathComponent("whole")
        XCTAssertEqual(try gradbook("export", "weights", "1", "--dir", wholeWeights.path).status, 0)
        let npy = try FileManager.default.contentsOfDirectory(atPath: wholeWeights.path).sorted()
        XCTAssertFalse(npy.isEmpty)
        let out = folder.appendingPathComponent("curves.csv")
        let weights = folder.appendingPathComponent("weights")
        var outcomes: [String: Int] = [:]
        for trial in 0..<12 {
            try Data("old\n".utf8).write(to: out)
            let export = try GradbookProcess.start(["export", "curves", "--layout", "long", "-o", out.path], in: folder)
            let dump = try GradbookProcess.start(["export", "weights", "1", "--dir", weights.path], in: folder)
            // From at once to past the end of a whole export.
            usleep(UInt32(duration * 1.5e6 * Double(trial) / 11))
            kill(export.processIdentifier, SIGKILL)
            kill(dump.processIdentifier, SIGKILL)
            export.waitUntilExit()
            dump.waitUntilExit()
            let text = try String(contentsOf: out, encoding: .utf8)
            XCTAssertTrue(text == "old\n" || text == whole.stdout, "trial \(trial): \(text.utf8.count) bytes, a part of the export")
            outcomes[text == "old\n" ? "old" : "new", default: 0] += 1
            for name in (try? FileManager.default.contentsOfDirectory(atPath: weights.path)) ?? [] where !name.hasPrefix(".") {
                XCTAssertEqual(try sha(weights.appendingPathComponent(name).path), try sha(wholeWeights.appendingPathComponent(name).path),
                               "trial \(trial): \(name) is whole")
            }
        }
        print("killed exports left: \(outcomes)")
    }

    // MARK: - Files that are not ours

    func testFilesThatAreNotGradbooksStayByteForByte() throws {
        let foreign = folder.appendingPathComponent("customers.db").path
        let made = try GradbookProcess.run(["python3", "-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            c.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
            c.execute("INSERT INTO customers (name) VALUES ('Ada')")
            c.commit()
            """, foreign], in: folder, executable: URL(fileURLWithPath: "/usr/bin/env"))
        XCTAssertEqual(made.status, 0, made.stderr)
        let bytes = try sha(foreign)
        XCTAssertEqual(try gradbook("run", "--epochs", "1", "--db", "mine.sqlite").status, 0)
        for arguments in [["runs", "--db", foreign], ["run", "--epochs", "1", "--db", foreign], ["sweep", "--lr", "0.1", "--db", foreign],
                          ["gc", "--db", foreign], ["merge", "--db", foreign, "mine.sqlite"], ["merge", "--db", "new.sqlite", foreign]] {
            let r = try gradbook(arguments)
            XCTAssertEqual(r.status, 1, "\(arguments)")
            XCTAssertTrue(r.stderr.contains("is an SQLite database of something else (tables 'customers') and not a Gradbook store; it was left untouched"),
                          "\(arguments): \(r.stderr)")
            XCTAssertEqual(try sha(foreign), bytes, "\(arguments) left it byte for byte")
            XCTAssertFalse(FileManager.default.fileExists(atPath: foreign + "-wal"), "not switched to WAL")
        }
        for (arguments, message) in [
            (["runs", "--db", "file:mine.sqlite"], "a file: URI; give the database's path instead"),
            (["runs", "--db", "file:mine.sqlite?mode=rwc"], "a file: URI"),
            (["runs", "--db", "none.sqlite"], "no database at 'none.sqlite'"),
            (["show", "1", "--db", "none.sqlite"], "no database at 'none.sqlite'"),
            (["export", "curves", "--db", "none.sqlite"], "nothing was created"),
            (["runs", "--db", folder.path], "it is a folder; give the path of a database file"),
            (["run", "--epochs", "1", "--db", "/dev/null"], "it is not a regular file"),
        ] {
            let r = try gradbook(arguments)
            XCTAssertEqual(r.status, 1, "\(arguments)")
            XCTAssertTrue(r.stderr.contains(message), "\(arguments): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("disk I/O error") || r.stderr.contains("SQLite error"), r.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("none.sqlite").path), "a read-only command creates nothing")
        let created = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("file:") }
        XCTAssertEqual(created, [])
        // An empty file becomes a store; a new one is created by commands that record.
        XCTAssertTrue(FileManager.default.createFile(atPath: folder.appendingPathComponent("empty.sqlite").path, contents: nil))
        let empty = try gradbook("runs", "--db", "empty.sqlite")
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertTrue(empty.stdout.hasPrefix("id  name"), "a store with no run prints the header: \(empty.stdout)")
        XCTAssertEqual(try gradbook("run", "--epochs", "1", "--db", "empty.sqlite").status, 0)
    }

    // MARK: - Live runs

    /// Starts a run of `epochs` epochs that takes a few seconds and waits for its first epoch.
    private func startLiveRun(epochs: Int, name: String = "live", db: String = "gradbook.sqlite", _ extra: String...) throws -> (Process, Int64) {
        let process = try GradbookProcess.start(["run", "--samples", "4000", "--layers", "64,64", "--epochs", "\(epochs)", "--name", name,
                                                 "--snapshots", "none", "--db", db] + extra, in: folder)
        var id: Int64?
        XCTAssertTrue(wait(upTo: 30) {
            id = try? query(folder.appendingPathComponent(db).path) {
                try Int64.fetchOne($0, sql: "SELECT r.id FROM runs r WHERE r.name = ? AND EXISTS (SELECT 1 FROM epochs e WHERE e.run_id = r.id)",
                                   arguments: [name])
            }
            return id != nil
        }, "the run started")
        return (process, try XCTUnwrap(id))
    }

    private func assertFinishedWithEveryEpoch(_ id: Int64, of epochs: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let row = try XCTUnwrap(try query {
            try Row.fetchOne($0, sql: """
                SELECT status, epochs_planned, (SELECT COUNT(*) FROM epochs WHERE run_id = r.id) AS stored,
                       (SELECT MAX(epoch) FROM epochs WHERE run_id = r.id) AS last FROM runs r WHERE id = ?
                """, arguments: [id])
        }, file: file, line: line)
        XCTAssertEqual(row["status"] as String?, "finished", file: file, line: line)
        XCTAssertEqual(row["epochs_planned"] as Int?, epochs, file: file, line: line)
        XCTAssertEqual(row["stored"] as Int?, epochs, "every epoch stored", file: file, line: line)
        XCTAssertEqual(row["last"] as Int?, epochs, file: file, line: line)
    }

    /// A clock ten minutes behind (the heartbeat it wrote looks old): the run's process is
    /// alive on this host, so no command marks it crashed, and delete refuses it.
    func testALiveRunWhoseClockIsBehindIsNeitherReapedNorDeleted() throws {
        let (process, id) = try startLiveRun(epochs: 600)
        // Beside a live writer, as any other writer would: waiting for its lock, not failing on it.
        var waiting = Configuration()
        waiting.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: databasePath, configuration: waiting)
        try queue.write { try $0.execute(sql: "UPDATE runs SET heartbeat_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '-10 minutes'), created_at = heartbeat_at WHERE id = ?", arguments: [id]) }
        try queue.close()
        let listed = try gradbook("runs", "--status", "running", "--columns", "id, status", "--format", "csv")
        XCTAssertEqual(listed.stdout, "id,status\r\n\(id),running\r\n", listed.stderr)
        XCTAssertEqual(try query { try String.fetchOne($0, sql: "SELECT status FROM run_status WHERE run_id = ?", arguments: [id]) }, "running")
        let delete = try gradbook("delete", "\(id)", "--yes")
        XCTAssertEqual(delete.status, 1)
        XCTAssertTrue(delete.stderr.contains("run \(id) is still training (its process is alive)"), delete.stderr)
        let gc = try gradbook("gc")
        XCTAssertNotEqual(gc.status, 0)
        XCTAssertTrue(gc.stderr.contains("1 run is training (run \(id))"), gc.stderr)
        XCTAssertFalse(gc.stderr.contains("database is locked"), gc.stderr)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        try assertFinishedWithEveryEpoch(id, of: 600)
    }

    /// 10,000 runs deleted while a run trains: the delete works in short transactions and the
    /// run, meeting its lock, keeps its epochs and writes them once it can.
    func testATenThousandRunDeleteBesideALiveRunLosesNoEpoch() throws {
        XCTAssertEqual(try gradbook("run", "--epochs", "20", "--name", "bulk", "--snapshots", "none").status, 0)
        let queue = try DatabaseQueue(path: databasePath)
        try queue.write { db in
            // 9,999 copies of run 1 with every row of every table that belongs to it.
            let runColumns = try db.columns(in: "runs").map(\.name).filter { $0 != "id" && $0 != "uuid" }
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'").filter { table in
                try db.columns(in: table).contains { $0.name == "run_id" }
            }
            let columns = runColumns.map { "\"\($0)\"" }.joined(separator: ", ")
            for _ in 1..<10_000 {
                try db.execute(sql: "INSERT INTO runs (uuid, \(columns)) SELECT lower(hex(randomblob(16))), \(columns) FROM runs WHERE id = 1")
                let copy = db.lastInsertedRowID
                for table in tables {
                    let rest = try db.columns(in: table).map(\.name).filter { $0 != "run_id" && $0 != "id" }.map { "\"\($0)\"" }.joined(separator: ", ")
                    try db.execute(sql: "INSERT INTO \"\(table)\" (run_id, \(rest)) SELECT ?, \(rest) FROM \"\(table)\" WHERE run_id = 1", arguments: [copy])
                }
            }
        }
        try queue.close()
        XCTAssertEqual(try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs WHERE name = 'bulk'") }, 10_000)
        let epochs = 1_500
        // A short busy timeout: the run's writes meet the delete's locks and must wait them out.
        let (process, id) = try startLiveRun(epochs: epochs, "--busy-timeout", "0.2")
        let start = Date()
        let delete = try gradbook("delete", "--where", "name = 'bulk'", "--yes")
        let took = Date().timeIntervalSince(start)
        XCTAssertEqual(delete.status, 0, delete.stderr)
        XCTAssertTrue(delete.stdout.contains("deleted 10000 runs"), delete.stdout)
        XCTAssertEqual(process.isRunning ? 1 : 0, 1, "the run was still training when the delete ended (it took \(took) s); make it longer")
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        try assertFinishedWithEveryEpoch(id, of: epochs)
        XCTAssertEqual(try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs") }, 1)
        XCTAssertEqual(try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM epochs") }, epochs)
        print("deleted 10,000 runs in \(String(format: "%.1f", took)) s beside a live run")
    }

    // MARK: - One configuration, one run

    func testTwoCopiesOfASweepAtOnceTrainEachConfigurationOnce() throws {
        let args = ["sweep", "--name", "twice", "--activation", "relu,tanh,sigmoid", "--lr", "0.3,0.1,0.03,0.01", "--seeds", "2",
                    "--epochs", "60", "--jobs", "2"]
        let first = try GradbookProcess.start(args, in: folder)
        let second = try GradbookProcess.start(args, in: folder)
        first.waitUntilExit()
        second.waitUntilExit()
        XCTAssertEqual([first.terminationStatus, second.terminationStatus], [0, 0])
        // And a resume started once both are done finds nothing left.
        let resumed = try gradbook("sweep", "--resume", "twice")
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let counts = try query {
            try Int.fetchAll($0, sql: "SELECT (SELECT COUNT(*) FROM runs r WHERE r.sweep_index = c.idx) FROM sweep_configs c ORDER BY c.idx")
        }
        XCTAssertEqual(counts, Array(repeating: 1, count: 24), "one run per configuration and seed")
        let pivot = try gradbook("compare", "--sweep", "twice", "--rows", "activation", "--cols", "lr")
        XCTAssertEqual(pivot.status, 0, pivot.stderr)
        XCTAssertTrue(pivot.stdout.contains("(2)"), pivot.stdout)
        XCTAssertFalse(pivot.stdout.contains("(3)") || pivot.stdout.contains("(4)"), "two seeds per cell, no copies: \(pivot.stdout)")
    }
}
