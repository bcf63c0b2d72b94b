import Foundation
import GRDB
import GradbookTestSupport
import XCTest

/// A sweep whose configurations train together (`--lockstep`, the default) stores exactly what
/// the same sweep stores trained one by one (`--no-lockstep`): every row of every run table.
final class LockstepEndToEndTests: EndToEndTestCase {
    /// Two activations × three rates (one that diverges) × two seeds, with early stopping on a
    /// validation split: runs of one group that end at different epochs and for different reasons.
    private let grid = ["sweep", "--dataset", "spiral", "--epochs", "25", "--activation", "relu,tanh", "--lr", "0.3,0.1,1e6", "--seeds", "2",
                        "--layers", "6,4", "--jobs", "2", "--validation-ratio", "20", "--early-stop", "val_loss", "--patience", "5", "--name", "g"]

    func testASweepTrainedTogetherStoresWhatItStoresOneByOne() throws {
        let together = try gradbook(grid + ["--db", "together.sqlite"])
        let alone = try gradbook(grid + ["--db", "alone.sqlite", "--no-lockstep"])
        XCTAssertEqual(together.status, 0, together.stderr)
        XCTAssertEqual(alone.status, 0, alone.stderr)
        let groups = together.stderr.split(separator: "\n").filter { $0.hasPrefix("train together (lockstep): ") }.sorted()
        XCTAssertEqual(groups, ["train together (lockstep): #0, #1, #2, #3, #4, #5", "train together (lockstep): #6, #7, #8, #9, #10, #11"])
        XCTAssertFalse(alone.stderr.contains("together"), alone.stderr)
        XCTAssertEqual(together.stdout.replacingOccurrences(of: "together.sqlite", with: "alone.sqlite"), alone.stdout)

        let a = try StoreTables.rows(folder.appendingPathComponent("together.sqlite").path)
        let b = try StoreTables.rows(folder.appendingPathComponent("alone.sqlite").path)
        XCTAssertEqual(Set(a.keys), Set(b.keys))
        for table in a.keys.sorted() {
            XCTAssertEqual(a[table]?.count, b[table]?.count, table)
            XCTAssertTrue(a[table] == b[table], "\(table) differs between the sweep trained together and one by one")
        }
        // What the comparison covers: early stops, a divergence, alerts, snapshots, every epoch.
        let statuses = try query(folder.appendingPathComponent("together.sqlite").path) { db in
            try Row.fetchAll(db, sql: "SELECT status, stop_reason IS NOT NULL AS early FROM runs").map { "\($0[0] as String) \($0[1] as Bool)" }
        }
        XCTAssertTrue(statuses.contains("diverged false"), "\(statuses)")
        XCTAssertTrue(statuses.contains("finished true"), "\(statuses)")
        XCTAssertGreaterThan(a["epochs"]?.count ?? 0, 100)
        XCTAssertGreaterThan(a["alerts"]?.count ?? 0, 0)
        XCTAssertGreaterThan(a["snapshots"]?.count ?? 0, 12)
    }

    func testConfigurationsThatCannotTrainTogetherTrainOneByOne() throws {
        // Dropout and BLAS layers are not for the lanes: the sweep runs them one by one.
        let r = try gradbook("sweep", "--dataset", "circle", "--epochs", "3", "--lr", "0.1,0.03", "--activation", "relu", "--dropout", "0.1",
                             "--jobs", "1", "--name", "d")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("together"), r.stderr)
        XCTAssertEqual(try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs WHERE status = 'finished'") }, 2)
    }

    func testAnInterruptedGroupResumesEachRunToTheNumbersOfOneNeverStopped() throws {
        let options = ["--dataset", "spiral", "--samples", "2000", "--epochs", "600", "--layers", "8,8", "--optimizer", "adam", "--validation-ratio", "20"]
        let process = try GradbookProcess.start(["sweep", "--name", "s", "--jobs", "1", "--lr", "0.01,0.003"] + options, in: folder)
        XCTAssertTrue(wait(upTo: 60) {
            ((try? self.query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM epochs e JOIN runs r ON r.id = e.run_id WHERE r.name = 's/1'") })
                .flatMap { $0 } ?? 0) >= 20
        }, "the group trained 20 epochs")
        process.interrupt()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertEqual(try query { try String.fetchAll($0, sql: "SELECT status FROM runs ORDER BY id") }, ["interrupted", "interrupted"])
        let again = try gradbook("sweep", "--resume", "s", "--jobs", "1")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try query { try String.fetchAll($0, sql: "SELECT name || ' ' || status FROM runs ORDER BY id") }, ["s/0 finished", "s/1 finished"])
        for (i, lr) in ["0.01", "0.003"].enumerated() {
            XCTAssertEqual(try gradbook(["run", "--name", "straight\(i)", "--lr", lr] + options).status, 0)
            XCTAssertEqual(try numbers("s/\(i)"), try numbers("straight\(i)"), "run \(i): resumed alone after training in a group, bit for bit")
        }
    }

    private func numbers(_ name: String) throws -> [Double] {
        try query { db in
            try Row.fetchAll(db, sql: """
                SELECT e.train_loss, e.learning_rate, e.test_loss FROM epochs e JOIN runs r ON r.id = e.run_id WHERE r.name = ? ORDER BY e.epoch
                """, arguments: [name]).flatMap { [$0[0] as Double, $0[1] as Double, $0[2] as Double] }
        }
    }
}
