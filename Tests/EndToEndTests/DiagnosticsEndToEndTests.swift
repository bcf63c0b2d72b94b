import Foundation
import GRDB
import XCTest

/// The pathologies the diagnostics exist for must show in what is stored.
final class DiagnosticsEndToEndTests: EndToEndTestCase {
    private func alerts(_ name: String) throws -> [Row] {
        try query { try Row.fetchAll($0, sql: """
            SELECT a.* FROM alert_summary a JOIN runs r ON r.id = a.run_id WHERE r.name = ? ORDER BY a.kind, a.layer
            """, arguments: [name]) }
    }

    private func runID(_ name: String) throws -> Int64 {
        try XCTUnwrap(try query { try Int64.fetchOne($0, sql: "SELECT id FROM runs WHERE name = ?", arguments: [name]) })
    }

    func testDeepSigmoidVanishesWhileReluWithHeDoesNot() throws {
        let deep = "8,8,8,8,8,8,8,8,8,8"
        XCTAssertEqual(try gradbook("run", "--layers", deep, "--activation", "sigmoid", "--initializer", "normal(0.1)",
                                    "--epochs", "5", "--name", "sigmoid").status, 0)
        XCTAssertEqual(try gradbook("run", "--layers", deep, "--activation", "relu", "--initializer", "he",
                                    "--epochs", "5", "--name", "relu").status, 0)
        let sigmoid = try alerts("sigmoid").filter { $0["kind"] == "vanishing" }
        XCTAssertEqual(sigmoid.count, 1)
        XCTAssertEqual(sigmoid.first?["first_epoch"], 1, "vanishing from the first epoch")
        XCTAssertEqual(sigmoid.first?["epochs"], 5, "and in every epoch it persists")
        XCTAssertTrue((sigmoid.first?["first_message"] as String?)?.contains("below") ?? false)
        XCTAssertEqual(try alerts("relu").filter { $0["kind"] == "vanishing" }.count, 0)
        // The stored norms say why: the first layer's gradient is orders of magnitude below the last's.
        let ratio = try query { try Double.fetchOne($0, sql: """
            SELECT f.grad_norm_mean / l.grad_norm_mean FROM layer_health f JOIN layer_health l
              ON l.run_id = f.run_id AND l.epoch = f.epoch AND l.layer = 10
            WHERE f.run_id = (SELECT id FROM runs WHERE name = 'sigmoid') AND f.epoch = 1 AND f.layer = 0
            """) }
        XCTAssertLessThan(try XCTUnwrap(ratio), 1e-3)
    }

    func testALargeLearningRateKillsReluUnitsButNotLeakyRelu() throws {
        for act in ["relu", "leaky_relu"] {
            XCTAssertEqual(try gradbook("run", "--activation", act, "--lr", "1", "--initializer", "he", "--epochs", "30",
                                        "--name", act).status, 0)
        }
        let relu = try alerts("relu").filter { $0["kind"] == "dead_relu" }
        XCTAssertFalse(relu.isEmpty, "dead_relu fires for relu")
        let dead = try query { try Int.fetchOne($0, sql: """
            SELECT MAX(dead_units) FROM layer_health WHERE run_id = (SELECT id FROM runs WHERE name = 'relu') AND epoch = 30
            """) }
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(dead), 4, "at least half of a layer of 8 is dead")
        XCTAssertEqual(try alerts("leaky_relu").filter { $0["kind"] == "dead_relu" }.count, 0)
        let leakyDead = try query { try Int.fetchOne($0, sql: """
            SELECT MAX(dead_units) FROM layer_health WHERE run_id = (SELECT id FROM runs WHERE name = 'leaky_relu')
            """) }
        XCTAssertEqual(leakyDead, 0, "leaky_relu has no dead units in any epoch")
    }

    func testExplodingThenDivergedKeepsEveryEarlierEpoch() throws {
        // A linear net on the plane regression with a learning rate past stability: the loss
        // grows geometrically until it overflows.
        let r = try gradbook("run", "--dataset", "plane", "--activation", "identity", "--layers", "8", "--lr", "0.08",
                             "--batch-size", "250", "--epochs", "100", "--name", "boom")
        XCTAssertEqual(r.status, 1)
        let run = try XCTUnwrap(try query { try Row.fetchOne($0, sql: "SELECT id, status, error FROM runs WHERE name = 'boom'") })
        XCTAssertEqual(run["status"], "diverged")
        let exploding = try XCTUnwrap(try alerts("boom").first { $0["kind"] == "exploding" })
        let nan = try XCTUnwrap(try alerts("boom").first { $0["kind"] == "nan" })
        let explodedAt: Int = exploding["first_epoch"], divergedAt: Int = nan["first_epoch"]
        XCTAssertLessThan(explodedAt, divergedAt, "exploding is seen before the run diverges")
        XCTAssertTrue((run["error"] as String).contains("epoch \(divergedAt)"), run["error"] as String)
        let id: Int64 = run["id"]
        XCTAssertEqual(try query { try Int.fetchAll($0, sql: "SELECT epoch FROM epochs WHERE run_id = ? ORDER BY epoch", arguments: [id]) },
                       Array(1..<divergedAt), "every epoch before the divergence is there")
        let finalSnapshot = try query { try Int.fetchOne($0, sql: "SELECT epoch FROM snapshots WHERE run_id = ? AND final = 1", arguments: [id]) }
        XCTAssertEqual(finalSnapshot, divergedAt - 1, "the last good weights are kept")

        let stopped = try gradbook("run", "--dataset", "plane", "--activation", "identity", "--layers", "8", "--lr", "0.08",
                                   "--batch-size", "250", "--epochs", "100", "--stop-on-exploding", "--name", "stopped")
        XCTAssertEqual(stopped.status, 1)
        let stop = try XCTUnwrap(try query { try Row.fetchOne($0, sql: "SELECT status, error FROM runs WHERE name = 'stopped'") })
        XCTAssertEqual(stop["status"], "diverged")
        XCTAssertTrue((stop["error"] as String).contains("stopped at epoch \(explodedAt) on exploding gradients"), stop["error"] as String)
    }

    /// A linear net started with huge weights: its gradient norm falls from about a million to
    /// single digits while the loss converges. That is a large gradient, a note — not `exploding`,
    /// which means growth — and notes are not counted as alerts.
    func testALargeButFallingGradientIsANoteNotExploding() throws {
        let r = try gradbook("run", "--dataset", "plane", "--activation", "identity", "--layers", "8", "--initializer", "normal(20)",
                             "--lr", "0.00001", "--batch-size", "25", "--epochs", "30", "--name", "large")
        XCTAssertEqual(r.status, 0, r.stderr)
        let alerts = try alerts("large")
        XCTAssertEqual(alerts.map { $0["kind"] as String }.filter { $0 != "large_gradient" }, [], "no exploding, no other alert")
        let note = try XCTUnwrap(alerts.first)
        XCTAssertEqual(note["severity"], "note")
        XCTAssertEqual(note["first_epoch"], 1)
        XCTAssertTrue((note["first_message"] as String).contains("large, not exploding"), note["first_message"] as String)
        let norms = try query { try Double.fetchAll($0, sql: """
            SELECT grad_norm_mean FROM layer_health WHERE run_id = (SELECT id FROM runs WHERE name = 'large') AND layer = 1 ORDER BY epoch
            """) }
        XCTAssertGreaterThan(norms.first!, 1e5)
        XCTAssertLessThan(norms.last!, 100, "the norm fell by orders of magnitude")
        let epochs = try query { try Int.fetchOne($0, sql: "SELECT COUNT(DISTINCT epoch) FROM alerts WHERE kind = 'large_gradient'") }
        XCTAssertGreaterThan(try XCTUnwrap(epochs), 5)
        let counted = try gradbook("runs", "--columns", "name, alerts, alert.large_gradient, alert.exploding", "--format", "csv")
        XCTAssertTrue(counted.stdout.contains("large,0,\(epochs!),0"), counted.stdout)
    }

    /// The false-positive side: ten configurations that train well raise no alert at all.
    func testTenHealthyConfigurationsRaiseNoAlert() throws {
        let healthy = [
            ["--dataset", "circle", "--activation", "relu", "--initializer", "he"],
            ["--dataset", "circle", "--activation", "tanh"],
            ["--dataset", "xor", "--activation", "tanh"],
            ["--dataset", "xor", "--activation", "leaky_relu", "--initializer", "he"],
            ["--dataset", "gauss", "--activation", "sigmoid", "--lr", "0.3"],
            ["--dataset", "spiral", "--activation", "tanh", "--optimizer", "adam", "--lr", "0.01"],
            ["--dataset", "moons", "--activation", "tanh"],
            ["--dataset", "circle", "--activation", "elu"],
            ["--dataset", "gauss", "--activation", "relu", "--optimizer", "adam", "--lr", "0.01", "--initializer", "he"],
            ["--dataset", "xor", "--activation", "swish", "--optimizer", "momentum"],
        ]
        for (i, args) in healthy.enumerated() {
            XCTAssertEqual(try gradbook(["run", "--epochs", "100", "--name", "healthy-\(i)"] + args).status, 0, "\(args)")
        }
        let accuracies = try query { try Double.fetchAll($0, sql: "SELECT test_accuracy FROM epochs e WHERE epoch = 100") }
        XCTAssertEqual(accuracies.count, 10)
        XCTAssertTrue(accuracies.allSatisfy { $0 >= 0.8 }, "they did train: \(accuracies)")
        let raised = try query { try Row.fetchAll($0, sql: "SELECT r.name, a.kind, a.message FROM alerts a JOIN runs r ON r.id = a.run_id") }
        XCTAssertEqual(raised.map { "\($0["name"] as String): \($0["message"] as String)" }, [])
    }

    /// A saturated tanh layer is a warning when it passes almost no gradient on (a net started
    /// with huge weights that stays stuck), and only a note where saturated units sit beside ones
    /// that still carry the gradient (a net that reaches high accuracy).
    func testSaturationIsGraveOnlyWhereTheGradientStopsPassing() throws {
        XCTAssertEqual(try gradbook("run", "--dataset", "spiral", "--activation", "tanh", "--initializer", "normal(3)", "--epochs", "200",
                                    "--name", "stuck").status, 0)
        XCTAssertEqual(try gradbook("run", "--dataset", "circle", "--activation", "tanh", "--lr", "0.3", "--epochs", "300",
                                    "--saturation-fraction", "0.25", "--name", "fine").status, 0)
        let stuck = try alerts("stuck").filter { $0["kind"] == "saturation" }
        XCTAssertTrue(stuck.contains { $0["severity"] == "warning" }, "\(stuck)")
        let fine = try alerts("fine").filter { $0["kind"] == "saturation" }
        XCTAssertFalse(fine.isEmpty, "the lower bound makes saturation fire on the healthy net")
        XCTAssertTrue(fine.allSatisfy { $0["severity"] == "note" }, "\(fine)")
        XCTAssertTrue((fine[0]["first_message"] as String).contains("of the gradient the activation can at most"), fine[0]["first_message"] as String)
        let counts = try gradbook("runs", "--columns", "name, test_accuracy, alerts, alert.saturation", "--format", "csv", "--sort", "id")
        let fineRow = try XCTUnwrap(counts.stdout.split(whereSeparator: \.isNewline).first { $0.hasPrefix("fine,") }).split(separator: ",")
        XCTAssertEqual(fineRow[2...3], ["0", "0"], "notes are not counted: \(fineRow)")
        XCTAssertGreaterThan(Double(fineRow[1])!, 0.95)
    }

    func testZeroInitialisationSnapshotsShowIdenticalUnits() throws {
        XCTAssertEqual(try gradbook("run", "--initializer", "zeros", "--activation", "sigmoid", "--layers", "6,5", "--epochs", "10",
                                    "--name", "zeros").status, 0)
        let id = try runID("zeros")
        let tensors = try query { try Row.fetchAll($0, sql: """
            SELECT layer, shape, data FROM snapshot_tensors WHERE run_id = ? AND epoch = 10 AND name = 'weight' AND layer < 2 ORDER BY layer
            """, arguments: [id]) }
        XCTAssertEqual(tensors.map { $0["shape"] as String }, ["[2,6]", "[6,5]"])
        for t in tensors {
            let data: Data = t["data"]
            let values = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            let shape = (t["shape"] as String).dropFirst().dropLast().split(separator: ",").map { Int($0)! }
            // Identical in exact arithmetic; BLAS kernels may round a product's edge columns
            // differently by an ulp or so. A broken symmetry differs in the first digits.
            for i in 0..<shape[0] {
                let row = values[(i * shape[1])..<((i + 1) * shape[1])]
                let spread = row.max()! - row.min()!
                XCTAssertLessThanOrEqual(spread, 1e-5 * abs(row.first!) + 1e-12,
                                         "every unit of layer \(t["layer"] as Int) has the same incoming weight \(i): \(Array(row))")
            }
            XCTAssertNotEqual(values.first, 0, "and they did learn")
        }
    }

    func testSnapshotsExportAsNumPyAndEvaluateToTheLoggedLoss() throws {
        XCTAssertEqual(try gradbook("run", "--dataset", "circle", "--activation", "relu", "--initializer", "he", "--batch-norm",
                                    "--epochs", "25", "--snapshot-every", "10", "--name", "snap").status, 0)
        let id = try runID("snap")
        let kept = try query { try Row.fetchAll($0, sql: "SELECT epoch, initial, every, best, final FROM snapshots WHERE run_id = ? ORDER BY epoch",
                                                 arguments: [id]) }
        XCTAssertEqual(kept.first?["epoch"], 0)
        XCTAssertEqual(kept.first?["initial"], true)
        XCTAssertTrue(kept.contains { $0["epoch"] == 10 && $0["every"] == true })
        XCTAssertTrue(kept.contains { $0["epoch"] == 20 && $0["every"] == true })
        XCTAssertEqual(kept.last?["epoch"], 25)
        XCTAssertEqual(kept.last?["final"], true)
        XCTAssertEqual(kept.filter { $0["best"] == true }.count, 1, "one best snapshot")
        let bestEpoch = try query { try Int.fetchOne($0, sql: "SELECT best_test_loss_epoch FROM run_summary WHERE run_id = ?", arguments: [id]) }
        XCTAssertEqual(kept.first { $0["best"] == true }?["epoch"], bestEpoch)

        // .npy files numpy reads as they are.
        let export = try gradbook("export", "weights", "\(id)", "--epoch", "10", "-o", "weights")
        XCTAssertEqual(export.status, 0, export.stderr)
        let weight = folder.appendingPathComponent("weights/layer1_weight.npy")
        let bytes = try Data(contentsOf: weight)
        XCTAssertEqual(Array(bytes.prefix(8)), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 8), }"), header)
        XCTAssertEqual(bytes.count, 10 + headerLength + 2 * 8 * 4)
        if let numpy = try? GradbookProcess.run(["python3", "-c", "import numpy; print(numpy.__version__)"], in: folder, executable: URL(fileURLWithPath: "/usr/bin/env")),
           numpy.status == 0 {
            let check = try GradbookProcess.run(["python3", "-c", """
                import numpy as np
                w = np.load('weights/layer1_weight.npy'); r = np.load('weights/layer1_running_var.npy')
                print(w.dtype, w.shape, r.shape, float(w.sum()))
                """], in: folder, executable: URL(fileURLWithPath: "/usr/bin/env"))
            XCTAssertEqual(check.status, 0, check.stderr)
            XCTAssertTrue(check.stdout.hasPrefix("float32 (2, 8) (8,)"), check.stdout)
            let stored = try query { try Data.fetchOne($0, sql: "SELECT data FROM snapshot_tensors WHERE run_id = ? AND epoch = 10 AND layer = 0 AND name = 'weight'", arguments: [id]) }
            let sum = try XCTUnwrap(stored).withUnsafeBytes { $0.bindMemory(to: Float.self).reduce(0, +) }
            let printed = try XCTUnwrap(Double(check.stdout.split(separator: " ").last!.trimmingCharacters(in: .whitespacesAndNewlines)))
            XCTAssertEqual(printed, Double(sum), accuracy: 1e-4)
        }

        // The snapshot reloaded into the network gives the test loss logged for its epoch.
        let eval = try gradbook("eval", "\(id)", "--epoch", "10")
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let line = try XCTUnwrap(eval.stdout.split(separator: "\n").first { $0.hasPrefix("test_loss") })
        let numbers = line.split(separator: " ").dropFirst().map { Double($0)! }
        XCTAssertEqual(numbers[0], numbers[1], accuracy: 1e-6)
        XCTAssertEqual(try gradbook("eval", "\(id)", "--epoch", "7").status, 2, "no snapshot at epoch 7")
    }

    func testLayerHealthIsStoredEveryEpochWithTheThresholds() throws {
        XCTAssertEqual(try gradbook("run", "--layers", "6,4", "--activation", "tanh", "--epochs", "4", "--dead-fraction", "0.3",
                                    "--evaluate-train", "--name", "h").status, 0)
        let id = try runID("h")
        let rows = try query { try Row.fetchAll($0, sql: "SELECT * FROM layer_health WHERE run_id = ? ORDER BY epoch, layer", arguments: [id]) }
        XCTAssertEqual(rows.count, 4 * 3)
        for row in rows {
            XCTAssertGreaterThan(row["grad_norm_mean"] as Double, 0)
            XCTAssertGreaterThanOrEqual(row["grad_norm_max"] as Double, row["grad_norm_mean"] as Double)
            XCTAssertGreaterThan(row["weight_norm"] as Double, 0)
            XCTAssertGreaterThan(row["update_ratio"] as Double, 0)
        }
        let hidden = rows.filter { ($0["layer"] as Int) < 2 }
        XCTAssertTrue(hidden.allSatisfy { ($0["saturated_fraction"] as Double?) != nil && ($0["eval_saturated_fraction"] as Double?) != nil })
        XCTAssertTrue(hidden.allSatisfy { ($0["dead_units"] as Int?) == nil }, "tanh units cannot die")
        let params = try query { try Row.fetchAll($0, sql: "SELECT name, value FROM params WHERE run_id = ?", arguments: [id]) }
        let byName = Dictionary(uniqueKeysWithValues: params.map { ($0["name"] as String, $0["value"] as DatabaseValue) })
        XCTAssertEqual(byName["dead_fraction"], 0.3.databaseValue)
        XCTAssertEqual(byName["vanishing_ratio"], 0.001.databaseValue)
        XCTAssertEqual(byName["exploding_norm"], 1000.0.databaseValue)
        let summary = try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM metrics WHERE run_id = ? AND name IN ('grad_norm', 'grad_norm_max', 'alerts')", arguments: [id]) }
        XCTAssertEqual(summary, 12)
    }
}
