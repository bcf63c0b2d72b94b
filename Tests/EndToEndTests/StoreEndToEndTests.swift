import Foundation
import GRDB
import XCTest

final class StoreEndToEndTests: EndToEndTestCase {
    private func epochs(_ run: Int64, _ path: String? = nil) throws -> [Int] {
        try query(path) { try Int.fetchAll($0, sql: "SELECT epoch FROM epochs WHERE run_id = ? ORDER BY epoch", arguments: [run]) }
    }

    func testRunIsRecordedWithEveryHyperparameter() throws {
        let r = try gradbook("run", "--dataset", "xor", "--layers", "6,4", "--activation", "relu,tanh", "--lr", "0.05", "--epochs", "20",
                             "--name", "first", "--experiment", "basics", "--tag", "owner=ana", "--tag", "quick")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("run 1: xor"), r.stdout)
        let row = try XCTUnwrap(try query { try Row.fetchOne($0, sql: "SELECT * FROM run_summary") })
        XCTAssertEqual(row["name"], "first")
        XCTAssertEqual(row["experiment"], "basics")
        XCTAssertEqual(row["status"], "finished")
        XCTAssertEqual(row["activation"], "relu,tanh")
        XCTAssertEqual(row["layers"], "6,4")
        XCTAssertEqual(row["lr"], 0.05)
        XCTAssertEqual(row["final_epoch"], 20)
        XCTAssertEqual(try epochs(1), Array(1...20))
        let params = try query { try Row.fetchAll($0, sql: "SELECT name, value FROM params") }
        let names = Set(params.map { $0["name"] as String })
        XCTAssertTrue(names.isSuperset(of: ["dataset", "samples", "noise", "train_ratio", "layers", "activation", "initializer",
                                            "optimizer", "lr", "batch_size", "epochs", "l1", "l2", "dropout", "batch_norm",
                                            "clip_norm", "seed"]), "\(names)")
        let tags = try query { try Row.fetchAll($0, sql: "SELECT key, value FROM tags ORDER BY key").map { "\($0["key"] as String)=\($0["value"] as String)" } }
        XCTAssertEqual(tags, ["owner=ana", "quick="])
        let runs = try gradbook("runs")
        XCTAssertTrue(runs.stdout.contains("first"), runs.stdout)
        XCTAssertTrue(runs.stdout.contains("finished"), runs.stdout)
    }

    func testDatabaseChosenByFlagOrEnvironment() throws {
        let viaFlag = folder.appendingPathComponent("flag.sqlite").path
        XCTAssertEqual(try gradbook("run", "--epochs", "2", "--db", viaFlag).status, 0)
        let viaEnv = folder.appendingPathComponent("env.sqlite").path
        let r = try GradbookProcess.run(["run", "--epochs", "3"], in: folder, environment: ["GRADBOOK_DB": viaEnv])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try epochs(1, viaFlag), [1, 2])
        XCTAssertEqual(try epochs(1, viaEnv), [1, 2, 3])
        XCTAssertFalse(FileManager.default.fileExists(atPath: databasePath))
    }

    func testTwoProcessesWriteOneDatabaseAtOnce() throws {
        let a = try GradbookProcess.start(["run", "--epochs", "300", "--seed", "1"], in: folder)
        let b = try GradbookProcess.start(["run", "--epochs", "300", "--seed", "2", "--dataset", "circle"], in: folder)
        a.waitUntilExit(); b.waitUntilExit()
        XCTAssertEqual(a.terminationStatus, 0)
        XCTAssertEqual(b.terminationStatus, 0)
        let statuses = try query { try String.fetchAll($0, sql: "SELECT status FROM runs ORDER BY id") }
        XCTAssertEqual(statuses, ["finished", "finished"])
        XCTAssertEqual(try epochs(1), Array(1...300))
        XCTAssertEqual(try epochs(2), Array(1...300))
        XCTAssertEqual(try query { try String.fetchOne($0, sql: "PRAGMA integrity_check") }, "ok")
    }

    /// Eight processes opening one new file at once, ten times: every run is recorded. A process
    /// whose connection read the file before another made the store kept that reading (GRDB's
    /// writer connection caches the schema and does not notice another process changing it):
    /// about one process in twenty failed with "no such table: runs".
    func testProcessesOpeningOneNewFileAtOnceEachRecordTheirRun() throws {
        for attempt in 0..<10 {
            let file = "together-\(attempt).sqlite"
            let processes = try (0..<8).map { i in
                try GradbookProcess.start(["run", "--epochs", "1", "--seed", "\(i)", "--db", file], in: folder,
                                          stderr: folder.appendingPathComponent("\(file).\(i).err"))
            }
            var failures: [String] = []
            for (i, process) in processes.enumerated() {
                process.waitUntilExit()
                if process.terminationStatus != 0 {
                    failures.append((try? String(contentsOf: folder.appendingPathComponent("\(file).\(i).err"), encoding: .utf8)) ?? "?")
                }
            }
            XCTAssertEqual(failures, [], "attempt \(attempt)")
            let statuses = try query(folder.appendingPathComponent(file).path) { try String.fetchAll($0, sql: "SELECT status FROM runs") }
            XCTAssertEqual(statuses, Array(repeating: "finished", count: 8), "attempt \(attempt)")
        }
    }

    func testSIGTERMAndSIGINTCloseTheRunAsInterrupted() throws {
        for (signal, status) in [(SIGTERM, Int32(143)), (SIGINT, Int32(130))] {
            let db = folder.appendingPathComponent("signal\(signal).sqlite").path
            let process = try GradbookProcess.start(["run", "--epochs", "1000000", "--db", db], in: folder)
            XCTAssertTrue(wait(upTo: 30) { FileManager.default.fileExists(atPath: db) && (try? epochs(1, db).count) ?? 0 >= 3 })
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, status)
            let run = try XCTUnwrap(try query(db) { try Row.fetchOne($0, sql: "SELECT status, ended_at, (SELECT MAX(epoch) FROM epochs) AS epochs_done FROM runs WHERE id = 1") })
            XCTAssertEqual(run["status"], "interrupted")
            XCTAssertNotNil(run["ended_at"] as String?)
            let done: Int = run["epochs_done"]
            XCTAssertEqual(try epochs(1, db), Array(1...done), "whole epochs only, no gaps")
        }
    }

    func testKilledRunIsListedAsCrashed() throws {
        let process = try GradbookProcess.start(["run", "--epochs", "1000000", "--name", "doomed"], in: folder)
        XCTAssertTrue(wait(upTo: 30) { FileManager.default.fileExists(atPath: databasePath) && (try? epochs(1).count) ?? 0 >= 2 })
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let listing = try gradbook("runs", "--format", "csv")
        XCTAssertEqual(listing.status, 0, listing.stderr)
        let line = try XCTUnwrap(listing.stdout.split(separator: "\n").first { $0.contains("doomed") })
        XCTAssertTrue(line.contains(",crashed,"), String(line))
        XCTAssertEqual(try query { try String.fetchOne($0, sql: "SELECT status FROM runs WHERE id = 1") }, "crashed")
        XCTAssertEqual(try query { try String.fetchOne($0, sql: "PRAGMA integrity_check") }, "ok")
        let done = try query { try Int.fetchOne($0, sql: "SELECT MAX(epoch) FROM epochs WHERE run_id = 1") } ?? -1
        XCTAssertEqual(try epochs(1), Array(1...done))
    }

    func testBadInputLeavesTheDatabaseByteIdentical() throws {
        XCTAssertEqual(try gradbook("run", "--epochs", "3").status, 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: databasePath))
        for args in [["--activation", "bogus"], ["--dataset", "missing.csv"], ["--layers", "8,,x"], ["--lr=-1"], ["--dataset", "spirals"]] {
            let r = try GradbookProcess.run(["run"] + args, in: folder)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: databasePath)), before, "\(args) changed the database")
        }
        XCTAssertEqual(try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs") }, 1)
    }

    func testUnusableDatabasesAreFailuresWithClearMessages() throws {
        let nowhere = try gradbook("run", "--db", "/nonexistent/folder/x.sqlite", "--epochs", "1")
        XCTAssertEqual(nowhere.status, 1)
        XCTAssertTrue(nowhere.stderr.contains("cannot open database '/nonexistent/folder/x.sqlite'"), nowhere.stderr)
        let junk = folder.appendingPathComponent("junk.sqlite")
        try Data(repeating: 0x42, count: 4096).write(to: junk)
        let notDB = try gradbook("run", "--db", junk.path, "--epochs", "1")
        XCTAssertEqual(notDB.status, 1)
        XCTAssertTrue(notDB.stderr.contains("is not a Gradbook database"), notDB.stderr)
        XCTAssertEqual(try Data(contentsOf: junk), Data(repeating: 0x42, count: 4096))
    }

    func testNewerDatabaseIsRefusedUntouched() throws {
        XCTAssertEqual(try gradbook("run", "--epochs", "1").status, 0)
        let queue = try DatabaseQueue(path: databasePath)
        try queue.write { try $0.execute(sql: "INSERT INTO schema_migrations VALUES (500, 'future', 'x', 'later')") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: databasePath))
        let r = try gradbook("runs")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("schema version 500"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: databasePath)), before)
    }

    func testConfigFileWithFlagsOverridingIt() throws {
        try """
            dataset: circle
            layers: [4, 4]
            activation: relu
            lr: 0.1
            epochs: 7
            batch_size: 20
            name: from-yaml
            """.write(to: folder.appendingPathComponent("run.yaml"), atomically: true, encoding: .utf8)
        let r = try gradbook("run", "--config", "run.yaml", "--epochs", "5")
        XCTAssertEqual(r.status, 0, r.stderr)
        let params = try query { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT name, value FROM params").map { ($0["name"] as String, ($0["value"] as DatabaseValue).description) })
        }
        XCTAssertEqual(params["epochs"], "5", "the flag wins")
        XCTAssertEqual(params["lr"], "0.1")
        XCTAssertEqual(params["layers"], "\"4,4\"")
        XCTAssertEqual(params["batch_size"], "20")
        XCTAssertEqual(params["dataset"], "\"circle\"")
        XCTAssertEqual(try query { try String.fetchOne($0, sql: "SELECT name FROM runs") }, "from-yaml")

        try "lr: 0.1\nlearning_rate: 3\n".write(to: folder.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let bad = try gradbook("run", "--config", "bad.yaml")
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("unknown key 'learning_rate'"), bad.stderr)
        try "lr: fast\n".write(to: folder.appendingPathComponent("bad2.yaml"), atomically: true, encoding: .utf8)
        let bad2 = try gradbook("run", "--config", "bad2.yaml")
        XCTAssertEqual(bad2.status, 2)
        XCTAssertTrue(bad2.stderr.contains("invalid lr 'fast' in --config 'bad2.yaml'"), bad2.stderr)
    }

    func testACopiedBinaryNeedsNoCheckout() throws {
        let bin = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let copy = bin.appendingPathComponent("gradbook")
        try FileManager.default.copyItem(at: GradbookProcess.binary, to: copy)
        let r = try GradbookProcess.run(["run", "--epochs", "2", "--db", "copied.sqlite"], in: folder, executable: copy)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try epochs(1, folder.appendingPathComponent("copied.sqlite").path), [1, 2])
    }
}
