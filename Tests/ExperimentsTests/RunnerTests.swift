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
        XCTAssertEqual(snapshots.filter { !$0.every || $0.initial || $0.best || $0.final }.map(\.epoch), Array(Set([0, best.epoch, 30])).sorted(),
                       "initial, best, final")
        // A 2-D run keeps frames for its decision boundary: 30 epochs of the 50 frames asked for, every epoch.
        XCTAssertEqual(snapshots.filter(\.every).map(\.epoch), Array(1...30))
        let tensors = try store.snapshotTensors(run: result.runID, epoch: best.epoch)
        XCTAssertEqual(tensors.first { $0.layer == 0 && $0.name == "weight" }?.values, best.layers[0].weights)

        var reported = 0
        let stopped = try Runner(store: store).run(config(lr: 0.1, epochs: 30), version: "t",
                                                   interrupted: { reported >= 7 }, onEpoch: { _ in reported += 1 })
        XCTAssertEqual(stopped.status, .interrupted)
        let kept = try store.snapshots(run: stopped.runID)
        XCTAssertEqual(kept.filter(\.best).count, 1)
        XCTAssertEqual(kept.last?.epoch, 7)
        XCTAssertEqual(kept.last?.final, true)
    }

    /// With a validation split, the best snapshot, the run's summary and the store's
    /// `selected_epoch(test_loss)` all name the epoch of the lowest validation loss, and the
    /// validation metrics are the trainer's own evaluation of the validation part.
    func testWithValidationTheBestEpochIsChosenOnValidationData() throws {
        let store = try store()
        // A small noisy set that a wide net overfits: its best test epoch comes long before its best validation epoch.
        var settings = ["dataset": "circle", "samples": "200", "noise": "40", "layers": "16,16", "activation": "tanh", "lr": "0.1"]
        settings.merge(["epochs": "80", "seed": "3", "validation-ratio": "30"]) { $1 }
        let config = try RunSettings(settings).configuration()
        let trainer = try config.makeTrainer()
        let validation = try XCTUnwrap(trainer.data.validation)
        XCTAssertEqual([validation.count, trainer.data.train.count], [30, 70], "30 % of the 100 training samples held back")
        var reports: [EpochReport] = []
        let result = try Runner(store: store).run(config, trainer: trainer, version: "t", onEpoch: { reports.append($0) })
        XCTAssertTrue(reports.allSatisfy { $0.validationLoss != nil && $0.validationAccuracy != nil })
        let bestVal = try XCTUnwrap(reports.min { $0.validationLoss! < $1.validationLoss! })
        let bestTest = try XCTUnwrap(reports.min { $0.testLoss < $1.testLoss })
        XCTAssertNotEqual(bestVal.epoch, bestTest.epoch, "the two selections differ on this run, so the test can tell them apart")
        XCTAssertEqual(try store.snapshots(run: result.runID).filter(\.best).map(\.epoch), [bestVal.epoch])
        XCTAssertEqual(result.selected?.epoch, bestVal.epoch)
        XCTAssertEqual(result.selectedBy, .valLoss)
        let row = try store.table(runs: [result.runID], columns: FilterParser.terms(
            "selected_epoch(test_loss), selected_on(test_loss), selected(test_loss), best_epoch(val_loss)")).rows[0]
        XCTAssertEqual(row.map(\.text), ["\(bestVal.epoch)", "val_loss", "\(bestVal.testLoss)", "\(bestVal.epoch)"])
        // The last epoch's validation loss is the engine's own loss on the validation part.
        let last = try XCTUnwrap(reports.last)
        XCTAssertEqual(trainer.engine.evaluate(validation, collectStatistics: false).loss, last.validationLoss!, accuracy: 1e-12)
    }

    /// Early stopping ends the run `patience` epochs after its best validation epoch, as
    /// `finished` with the reason, and its final snapshot holds the best epoch's weights.
    func testEarlyStoppingEndsAtPatienceAndKeepsTheBestWeights() throws {
        let store = try store()
        var settings = ["dataset": "circle", "samples": "200", "noise": "40", "layers": "16,16", "activation": "tanh", "lr": "0.1"]
        settings.merge(["epochs": "400", "seed": "3", "validation-ratio": "30", "early-stop": "val_loss", "patience": "7",
                        "min-delta": "0.0001"]) { $1 }
        let config = try RunSettings(settings).configuration()
        var reports: [EpochReport] = []
        let result = try Runner(store: store).run(config, version: "t", onEpoch: { reports.append($0) })
        XCTAssertEqual(result.status, .finished)
        // The best epoch by Keras's rule: an improvement is a drop of more than min_delta.
        var best = (epoch: 0, loss: Double.infinity), stop = 0
        for r in reports where stop == 0 {
            if r.validationLoss! < best.loss - 0.0001 { best = (r.epoch, r.validationLoss!) } else if r.epoch - best.epoch >= 7 { stop = r.epoch }
        }
        XCTAssertGreaterThan(stop, 0, "this run stops early")
        XCTAssertEqual(reports.count, stop, "training ends at the epoch early stopping stopped it")
        XCTAssertLessThan(stop, 400)
        let run = try store.run("\(result.runID)")
        XCTAssertEqual(run.status, .finished)
        XCTAssertEqual(run.stopReason?.hasPrefix("early_stopped at epoch \(stop): val_loss"), true, run.stopReason ?? "nil")
        XCTAssertTrue(run.stopReason?.contains("at epoch \(best.epoch)") == true, run.stopReason ?? "nil")
        let final = try XCTUnwrap(store.snapshots(run: result.runID).first(where: \.final))
        XCTAssertEqual(final.epoch, best.epoch, "the final snapshot is the best epoch's")
        func byName(_ tensors: [(layer: Int, name: String, values: [Float])]) -> [String: [Float]] {
            Dictionary(uniqueKeysWithValues: tensors.map { ("\($0.layer)/\($0.name)", $0.values) })
        }
        let kept = byName(try store.snapshotTensors(run: result.runID, epoch: final.epoch).map { ($0.layer, $0.name, $0.values) })
        let atBest = byName(reports[best.epoch - 1].layers.flatMap(\.tensors).map { ($0.layer, $0.name, $0.values) })
        XCTAssertEqual(kept, atBest, "with that epoch's weights")
        XCTAssertNotEqual(kept, byName(reports.last!.layers.flatMap(\.tensors).map { ($0.layer, $0.name, $0.values) }), "not the last epoch's")
        XCTAssertEqual(try store.select(RunSelection(filter: "stop_reason like 'early_stopped%'")), [result.runID], "filterable")
        // Stopping on test data is refused where validation data exists.
        XCTAssertThrowsError(try RunSettings(settings.merging(["early-stop": "test_loss"]) { $1 }).configuration()) { error in
            XCTAssertTrue("\(error)".contains("stopping on test data selects on it"), "\(error)")
        }
        XCTAssertThrowsError(try RunSettings(["early-stop": "val_loss"]).configuration()) { error in
            XCTAssertTrue("\(error)".contains("val_loss needs --validation-ratio"), "\(error)")
        }
        // A regression has no accuracy to watch: refused before the run exists, rather than never stopping.
        let regression = try RunSettings(["dataset": "plane", "early-stop": "train_accuracy"]).configuration()
        XCTAssertThrowsError(try Runner(store: store).run(regression, version: "t")) { error in
            XCTAssertTrue("\(error)".contains("this run's data is a regression"), "\(error)")
        }
        XCTAssertEqual(try store.runs().count, 1, "no run was opened for it")
    }

    /// An interrupt that arrives while epoch 6 trains (the second check after epoch 5): epochs
    /// shorter than the grace finish it and the run stops after it, with a checkpoint taken
    /// there; with no grace the epoch is abandoned and the checkpoint is the copy kept after
    /// epoch 5. Either way the stored epochs are whole, and the run resumed from its checkpoint
    /// ends with the very numbers of the run that never stopped.
    func testAnInterruptFinishesAShortEpochOrAbandonsALongOneAndTheRunResumesBitForBit() throws {
        let store = try store()
        let straight = try store.epochs(run: Runner(store: store).run(config(epochs: 12), version: "t").runID)
        for (grace, whole) in [(Runner.defaultInterruptGrace, 6), (0, 5)] {
            var reported = 0, checks = 0
            let result = try Runner(store: store, interruptGrace: grace).run(
                config(epochs: 12), version: "t", interrupted: { if reported >= 5 { checks += 1 }; return checks >= 2 },
                onEpoch: { _ in reported += 1 })
            XCTAssertEqual(result.status, .interrupted)
            XCTAssertEqual(try store.run("\(result.runID)").status, .interrupted)
            XCTAssertEqual(try store.epochs(run: result.runID).map(\.epoch), Array(1...whole), "grace \(grace)")
            let (epoch, state) = try XCTUnwrap(store.checkpoint(run: result.runID))
            XCTAssertEqual(epoch, whole, "grace \(grace)")
            try store.reopenRun(result.runID, after: epoch)
            let resumed = try Runner(store: store, interruptGrace: grace).run(
                config(epochs: 12), version: "t", opened: result.runID,
                resuming: .init(checkpoint: TrainerCheckpoint(decoding: state), epochs: store.epochs(run: result.runID)))
            XCTAssertEqual(resumed.status, .finished)
            let epochs = try store.epochs(run: result.runID)
            XCTAssertEqual(epochs.map(\.epoch), Array(1...12))
            XCTAssertEqual(epochs.map(\.trainLoss), straight.map(\.trainLoss), "grace \(grace)")
            XCTAssertEqual(epochs.map(\.testLoss), straight.map(\.testLoss), "grace \(grace)")
        }
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
                // The run is opened on its writer's queue while training starts.
                Thread.sleep(forTimeInterval: 0.05)
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
        // Enough epochs that the writer meets the broken table long before the last one (a
        // small net's epoch takes a fraction of a millisecond now).
        XCTAssertThrowsError(try Runner(store: store).run(config(epochs: 5000), version: "t", onEpoch: { report in
            seen = report.epoch
            // Break the store under the run's feet after its third epoch.
            if report.epoch == 3 { try? RawDatabase.write(store.path) { try $0.execute(sql: "DROP TABLE epochs") } }
        })) { error in
            XCTAssertTrue("\(error)".contains("epochs"), "\(error)")
        }
        XCTAssertLessThan(seen, 5000, "training stopped early")
        let row = try XCTUnwrap(try RawDatabase.read(store.path) { try Row.fetchOne($0, sql: "SELECT status, error FROM runs") })
        XCTAssertEqual(row["status"], "failed")
        let message: String = row["error"] ?? "no error"
        XCTAssertTrue(message.contains("no such table: epochs"), message)
    }
}
