import Datasets
import Experiments
import Foundation
import Neural
import GRDB
import GradbookTestSupport
import Tracking
import XCTest

final class RunnerTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gradbook-runner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func store() throws -> RunStore { try RunStore(path: folder.appendingPathComponent("runs.sqlite").path) }

    private func config(lr: Float = 0.03, epochs: Int = 12, dataset: String = "circle") throws -> RunConfiguration {
        try RunSettings(["dataset": dataset, "layers": "6", "activation": "tanh", "lr": "\(lr)", "epochs": "\(epochs)", "seed": "3"]).configuration()
    }

    func testEveryEpochIsStoredAsTheTrainerReportedIt() throws {
        let store = try store()
        var reports: [EpochReport] = []
        let result = try Runner(store: store).run(config(), name: "c", experiment: "e", tags: ["k": "v"], version: "t",
                                                  onEpoch: { reports.append($0) })
        XCTAssertEqual(result.status, .finished)
        let run = try store.run("\(result.runID)")
        XCTAssertEqual(run.status, .finished)
        XCTAssertEqual(run.epochsDone, 12)
        let stored = try store.epochs(run: result.runID)
        XCTAssertEqual(stored.map(\.epoch), Array(1...12))
        XCTAssertEqual(stored.map(\.trainLoss), reports.map(\.trainLoss))
        XCTAssertEqual(stored.map(\.testAccuracy), reports.map(\.testAccuracy))
        // The stored configuration is the whole recipe: decoding it gives the same run.
        let decoded = try JSONDecoder().decode(RunConfiguration.self, from: Data(run.configJSON.utf8))
        XCTAssertEqual(decoded, try config())
        let params = try store.params(run: result.runID)
        XCTAssertEqual(params["lr"], .number(0.03))
        XCTAssertEqual(params["activation"], .text("tanh"))
        XCTAssertEqual(params["layers"], .text("6"))
        XCTAssertEqual(params["batch_size"], .integer(10))
        XCTAssertEqual(params["clip_norm"], ParamValue.none)
        XCTAssertEqual(params["noise"], .number(0))
    }

    /// A new best is held back, not written at every improvement: a run that improves at most
    /// epochs keeps exactly one `best` snapshot, at its best epoch, with that epoch's weights; an
    /// interrupted run writes its best and its last epoch's weights when it closes.
    func testTheBestSnapshotIsWrittenOnceAtTheBestEpoch() throws {
        let store = try store()
        var reports: [EpochReport] = []
        let result = try Runner(store: store).run(config(lr: 0.1, epochs: 30), version: "t", onEpoch: { reports.append($0) })
        let snapshots = try store.snapshots(run: result.runID)
        let best = try XCTUnwrap(reports.min { $0.testLoss < $1.testLoss })
        var lowest = Double.infinity, improvements = 0
        for r in reports where r.testLoss < lowest { lowest = r.testLoss; improvements += 1 }
        XCTAssertGreaterThan(improvements, 5, "the test loss improves many times")
        XCTAssertEqual(snapshots.filter(\.best).map(\.epoch), [best.epoch])
        XCTAssertEqual(snapshots.map(\.epoch), Array(Set([0, best.epoch, 30])).sorted(), "initial, best, final and nothing else")
        let tensors = try store.snapshotTensors(run: result.runID, epoch: best.epoch)
        XCTAssertEqual(tensors.first { $0.layer == 0 && $0.name == "weight" }?.values, best.layers[0].weights)

        var steps = 0
        let stopped = try Runner(store: store).run(config(lr: 0.1, epochs: 30), version: "t",
                                                   interrupted: { steps += 1; return steps > 7 * 25 + 3 })
        XCTAssertEqual(stopped.status, .interrupted)
        let kept = try store.snapshots(run: stopped.runID)
        XCTAssertEqual(kept.filter(\.best).count, 1)
        XCTAssertEqual(kept.last?.epoch, 7)
        XCTAssertEqual(kept.last?.final, true)
    }

    func testInterruptionClosesTheRunWithWholeEpochs() throws {
        let store = try store()
        var steps = 0
        let result = try Runner(store: store).run(config(epochs: 50), version: "t", interrupted: { steps += 1; return steps > 130 })
        XCTAssertEqual(result.status, .interrupted)
        XCTAssertEqual(try store.run("\(result.runID)").status, .interrupted)
        // 25 steps an epoch: 130 checks complete 5 epochs; the 6th is dropped.
        XCTAssertEqual(try store.epochs(run: result.runID).map(\.epoch), [1, 2, 3, 4, 5])
    }

    func testDivergenceIsRecordedWithItsReason() throws {
        let store = try store()
        let result = try Runner(store: store).run(config(lr: 1e7, dataset: "plane"), version: "t")
        XCTAssertEqual(result.status, .diverged)
        let run = try store.run("\(result.runID)")
        XCTAssertEqual(run.status, .diverged)
        XCTAssertTrue(run.error?.contains("became") ?? false, run.error ?? "no error")
    }

    func testBadDataLeavesTheStoreUntouched() throws {
        let store = try store()
        XCTAssertThrowsError(try Runner(store: store).run(config(dataset: "missing.csv"), version: "t"))
        XCTAssertEqual(try store.runs().count, 0)
    }

    func testHeartbeatKeepsBeatingDuringALongEpoch() throws {
        let store = try store()
        var first: String?
        let result = try Runner(store: store, heartbeatInterval: 0.05).run(config(epochs: 2), version: "t", onEpoch: { report in
            if report.epoch == 1 {
                first = try? store.runs().first?.heartbeatAt
                Thread.sleep(forTimeInterval: 0.3)
            }
        })
        XCTAssertEqual(result.status, .finished)
        let runID = result.runID
        let beats = try RawDatabase.read(store.path) { try String.fetchOne($0, sql: "SELECT heartbeat_at FROM runs WHERE id = ?", arguments: [runID]) }
        XCTAssertNotNil(first)
        XCTAssertGreaterThan(beats ?? "", first ?? "")
    }

    func testAFailedWriteStopsTrainingAndClosesTheRunAsFailed() throws {
        let store = try store()
        var seen = 0
        XCTAssertThrowsError(try Runner(store: store).run(config(epochs: 40), version: "t", onEpoch: { report in
            seen = report.epoch
            // Break the store under the run's feet after its third epoch.
            if report.epoch == 3 { try? RawDatabase.write(store.path) { try $0.execute(sql: "DROP TABLE epochs") } }
        })) { error in
            XCTAssertTrue("\(error)".contains("epochs"), "\(error)")
        }
        XCTAssertLessThan(seen, 40, "training stopped early")
        let row = try XCTUnwrap(try RawDatabase.read(store.path) { try Row.fetchOne($0, sql: "SELECT status, error FROM runs") })
        XCTAssertEqual(row["status"], "failed")
        let message: String = row["error"] ?? "no error"
        XCTAssertTrue(message.contains("no such table: epochs"), message)
    }
}
