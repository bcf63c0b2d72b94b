import Foundation
import GRDB
import GradbookTestSupport
import XCTest

/// An interrupted run continues from its checkpoint — `run --resume`, or a sweep's `--resume` —
/// to the very numbers of a run that was never stopped, and says so in the run.
final class ResumeEndToEndTests: EndToEndTestCase {
    private let training = ["--dataset", "spiral", "--samples", "2000", "--layers", "32,32", "--optimizer", "adam", "--lr", "0.003",
                            "--dropout", "0.1", "--epochs", "400", "--lr-schedule", "plateau(0.5, 3)", "--validation-ratio", "20"]

    /// Starts `arguments`, waits for `epochs` stored epochs of run `name`, then sends SIGINT.
    private func interrupt(_ arguments: [String], name: String, after epochs: Int) throws -> Int32 {
        let process = try GradbookProcess.start(arguments, in: folder)
        XCTAssertTrue(wait(upTo: 60) {
            (try? query {
                try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM epochs e JOIN runs r ON r.id = e.run_id WHERE r.name = ?", arguments: [name])
            }).flatMap { $0 }.map { $0 >= epochs } ?? false
        }, "the run trained \(epochs) epochs")
        process.interrupt()
        process.waitUntilExit()
        return process.terminationStatus
    }

    private func finalNumbers(_ name: String) throws -> [Double] {
        try query { db in
            try Row.fetchAll(db, sql: """
                SELECT e.train_loss, e.test_loss, e.learning_rate FROM epochs e JOIN runs r ON r.id = e.run_id WHERE r.name = ? ORDER BY e.epoch
                """, arguments: [name]).flatMap { [$0[0] as Double, $0[1] as Double, $0[2] as Double] }
        }
    }

    func testAnInterruptedRunResumesToTheNumbersOfOneNeverStopped() throws {
        XCTAssertEqual(try interrupt(["run"] + training + ["--name", "stopped"], name: "stopped", after: 20), 130)
        let stopped = try XCTUnwrap(try query { try Row.fetchOne($0, sql: "SELECT r.status, c.epoch FROM runs r JOIN checkpoints c ON c.run_id = r.id") })
        XCTAssertEqual(stopped["status"] as String, "interrupted")
        let at = stopped["epoch"] as Int
        XCTAssertLessThan(at, 400)
        let again = try gradbook("run", "--resume", "stopped")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("resuming run 1 after epoch \(at) of 400, from its checkpoint"), again.stderr)
        XCTAssertTrue(again.stdout.contains("resumed after epoch \(at) from its checkpoint"), again.stdout)
        // The time per epoch is this process's time over the epochs it trained, not over the run's.
        let timing = try XCTUnwrap(again.stdout.firstMatch(of: /finished after 400 epochs in ([0-9.]+) s \(([0-9.]+) ms\/epoch\)/), again.stdout)
        let (seconds, perEpoch) = (try XCTUnwrap(Double(timing.1)), try XCTUnwrap(Double(timing.2)))
        XCTAssertEqual(perEpoch, seconds * 1000 / Double(400 - at), accuracy: 0.01 + 5 / Double(400 - at), again.stdout)   // both printed to two places
        XCTAssertEqual(try gradbook(["run"] + training + ["--name", "straight"]).status, 0)
        let resumed = try finalNumbers("stopped"), straight = try finalNumbers("straight")
        XCTAssertEqual(resumed.count, 3 * 400, "every epoch once")
        XCTAssertEqual(resumed, straight, "bit for bit the run that never stopped")
        let confusion = { (name: String) in
            try self.query { try Row.fetchAll($0, sql: """
                SELECT c.split, c.epoch, c.actual, c.predicted, c.count FROM confusion c JOIN runs r ON r.id = c.run_id WHERE r.name = ?
                ORDER BY 1, 3, 4
                """, arguments: [name]).map { "\($0[0] as String) \($0[1] as Int) \($0[2] as Int) \($0[3] as Int) \($0[4] as Int)" } }
        }
        XCTAssertEqual(try confusion("stopped"), try confusion("straight"), "the selected epoch's confusion matrix too")
        XCTAssertFalse(try confusion("straight").isEmpty)
        let note = try query { try String.fetchOne($0, sql: "SELECT text FROM notes WHERE run_id = 1") }
        XCTAssertEqual(note, "resumed after epoch \(at) from its checkpoint (was interrupted)")
        XCTAssertEqual(try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM checkpoints") }, 0, "a finished run keeps no checkpoint")
        let finished = try gradbook("run", "--resume", "1")
        XCTAssertEqual(finished.status, 2)
        XCTAssertTrue(finished.stderr.contains("run 1 is finished: only an interrupted or crashed run can be resumed"), finished.stderr)
        // A damaged checkpoint is refused before the run is touched.
        XCTAssertEqual(try gradbook(["run"] + training.map { $0 == "400" ? "3" : $0 } + ["--name", "damaged"]).status, 0)
        try RawDatabase.write(databasePath) { db in
            try db.execute(sql: "UPDATE runs SET status = 'interrupted' WHERE name = 'damaged'")
            try db.execute(sql: "INSERT INTO checkpoints (run_id, epoch, created_at, state) SELECT id, 2, 'now', X'00FF' FROM runs WHERE name = 'damaged'")
        }
        let damaged = try gradbook("run", "--resume", "damaged")
        XCTAssertEqual(damaged.status, 1)
        XCTAssertTrue(damaged.stderr.contains("the stored checkpoint cannot be read (2 bytes"), damaged.stderr)
        XCTAssertEqual(try query { try String.fetchOne($0, sql: "SELECT status FROM runs WHERE name = 'damaged'") }, "interrupted")
        let mixed = try gradbook("run", "--resume", "1", "--lr", "0.1")
        XCTAssertEqual(mixed.status, 2)
        XCTAssertTrue(mixed.stderr.contains("leave out run options"), mixed.stderr)
    }

    func testAnInterruptedSweepResumesItsRunsFromTheirCheckpoints() throws {
        let sweep = ["sweep", "--name", "s", "--jobs", "1"] + training.map { $0 == "0.003" ? "0.003,0.002" : $0 }
        XCTAssertEqual(try interrupt(sweep, name: "s/0", after: 20), 130)
        let again = try gradbook("sweep", "--resume", "s", "--jobs", "1")
        XCTAssertEqual(again.status, 0, again.stderr)
        let runs = try query { try Row.fetchAll($0, sql: "SELECT name, status FROM runs ORDER BY id").map { "\($0[0] as String) \($0[1] as String)" } }
        XCTAssertEqual(runs, ["s/0 finished", "s/1 finished"], "the interrupted run went on; no second run of its configuration")
        XCTAssertEqual(try query { try String.fetchOne($0, sql: "SELECT text FROM notes WHERE run_id = 1") }?.hasPrefix("resumed after epoch "), true)
        XCTAssertEqual(try gradbook(["run"] + training + ["--name", "straight"]).status, 0)
        XCTAssertEqual(try finalNumbers("s/0"), try finalNumbers("straight"))
    }
}
