import Foundation
import GRDB
public import Tracking

/// A small store with fixed contents, for query and export tests:
///
/// | id | name               | status   | sweep | lr    | activation | batch_size | epochs | tags        |
/// |----|--------------------|----------|-------|-------|------------|------------|--------|-------------|
/// | 1  | alpha              | finished | grid  | 0.1   | relu       | 10         | 4      | team=vision |
/// | 2  | beta, with comma   | finished | grid  | 0.01  | tanh       | 20         | 3      | team=audio  |
/// | 3  | gamma "q"          | failed   |       | 0.001 | sigmoid    | 10         | 1      |             |
/// | 4  | delta              | running  |       | 0.1   | relu       | 10         | 0      |             |
///
/// Run 1 has layer health at epochs 3 and 4 (5 then 4 dead units), a `dead_relu` alert at both,
/// `grad_norm` and a metric of its own (`ema_train_loss`, 1.5 × the training loss) per epoch, snapshots, and a validation split whose best loss comes at epoch 4
/// (the test loss's best is at epoch 3) and best accuracy at epoch 3; run 3 is a regression run
/// (no accuracy). Uuids and times are fixed so exports can be compared byte for byte.
public enum QueryFixture {
    public static func make(at path: String) throws -> RunStore {
        let store = try RunStore(path: path)
        let sweep = try store.openSweep(NewSweep(name: "grid", experiment: "exp", method: "grid", metric: "test_loss", goal: .minimize,
                                                 specJSON: "{}", configs: [.init(index: 0, settingsJSON: "{}", configJSON: "{\"i\":0}"),
                                                                           .init(index: 1, settingsJSON: "{}", configJSON: "{\"i\":1}")]))
        func run(_ name: String, lr: Double, activation: String, batch: Int64, layers: String, tags: [String: String] = [:],
                 sweepIndex: Int? = nil) throws -> Int64 {
            try store.startRun(NewRun(name: name, experiment: "exp", seed: 1, epochsPlanned: 4, configJSON: "{}",
                                      params: ["lr": .number(lr), "activation": .text(activation), "batch_size": .integer(batch),
                                               "layers": .text(layers)],
                                      tags: tags, gradbookVersion: "test", sweepID: sweepIndex == nil ? nil : sweep.id, sweepIndex: sweepIndex))
        }
        let alpha = try run("alpha", lr: 0.1, activation: "relu", batch: 10, layers: "8,8", tags: ["team": "vision"], sweepIndex: 0)
        let curve: [(Double, Double, Double, Double, Double)] = [
            (1.0, 1.1, 0.5, 0.45, 2.0), (0.5, 0.6, 0.75, 0.7, 1.0), (0.25, 0.3, 0.875, 0.8, 0.5), (0.125, 0.35, 0.9375, 0.75, 0.25),
        ]
        let validation: [(loss: Double, accuracy: Double)] = [(1.05, 0.5), (0.55, 0.71875), (0.4, 0.78125), (0.375, 0.75)]
        for (i, c) in curve.enumerated() {
            var e = EpochRecord(epoch: i + 1, trainLoss: c.0, testLoss: c.1, trainAccuracy: c.2, testAccuracy: c.3, learningRate: 0.1,
                                seconds: 0.5, extra: ["grad_norm": c.4, "val_loss": validation[i].loss, "val_accuracy": validation[i].accuracy,
                                                        "ema_train_loss": c.0 * 1.5])
            if i >= 2 {
                let dead = i == 2 ? 5 : 4
                e.layers = [
                    LayerHealthRecord(layer: 0, units: 8, activation: "relu", gradNormMean: 0.5, gradNormMax: 1, biasGradNormMean: 0.25,
                                      biasGradNormMax: 0.5, weightNorm: 2, updateRatio: 0.125, actMean: 0.25, actStd: 0.5,
                                      deadUnits: dead, deadFraction: Double(dead) / 8),
                    LayerHealthRecord(layer: 1, units: 1, activation: "identity", gradNormMean: 0.75, gradNormMax: 1.5, biasGradNormMean: 0.5,
                                      biasGradNormMax: 1, weightNorm: 1, updateRatio: 0.0625),
                ]
                e.alerts = [AlertRecord(epoch: 0, kind: .deadReLU, layer: 0, value: Double(dead) / 8, threshold: 0.5, message: "\(dead) of 8 units dead")]
            }
            if i == 3 {
                e.snapshot = SnapshotRecord(epoch: 4, final: true, tensors: [TensorRecord(layer: 0, name: "weight", shape: [1, 2], values: [1, 2])])
            }
            try store.recordEpoch(run: alpha, e)
        }
        try store.finishRun(run: alpha, status: .finished)

        let beta = try run("beta, with comma", lr: 0.01, activation: "tanh", batch: 20, layers: "8,8", tags: ["team": "audio"], sweepIndex: 1)
        for (i, c) in [(0.9, 0.9, 0.55, 0.5), (0.8, 0.8, 0.6, 0.55), (0.7, 0.7, 0.65, 0.6)].enumerated() {
            try store.recordEpoch(run: beta, EpochRecord(epoch: i + 1, trainLoss: c.0, testLoss: c.1, trainAccuracy: c.2, testAccuracy: c.3,
                                                         learningRate: 0.01, seconds: 0.25))
        }
        try store.recordSnapshot(run: beta, SnapshotRecord(epoch: 0, initial: true, tensors: [TensorRecord(layer: 0, name: "weight", shape: [1], values: [3])]))
        // A checkpoint as an interrupted run keeps (written after alpha closed, so that every
        // table has rows of alpha's; a finished run's is dropped when it closes).
        try store.recordCheckpoint(run: alpha, epoch: 4, state: Data([1, 2, 3, 4]))
        // Alpha's confusion matrix at its selected epoch (4): 7 and 8 right of 10 each.
        try store.recordConfusion(run: alpha, ConfusionRecord(epoch: 4, cells: [
            .init(split: "test", actual: 0, predicted: 0, count: 7), .init(split: "test", actual: 0, predicted: 1, count: 3),
            .init(split: "test", actual: 1, predicted: 0, count: 2), .init(split: "test", actual: 1, predicted: 1, count: 8),
        ]))
        try store.finishRun(run: beta, status: .finished)

        let gamma = try run("gamma \"q\"", lr: 0.001, activation: "sigmoid", batch: 10, layers: "4")
        try store.recordEpoch(run: gamma, EpochRecord(epoch: 1, trainLoss: 2.0, testLoss: 2.5, learningRate: 0.001, seconds: 0.125))
        try store.finishRun(run: gamma, status: .failed, error: "boom")

        _ = try run("delta", lr: 0.1, activation: "relu", batch: 10, layers: "8")
        try RawDatabase.write(store.path) { db in
            try db.execute(sql: """
                UPDATE runs SET uuid = printf('00000000-0000-4000-8000-%012d', id), created_at = printf('2026-01-0%d 10:00:00.000', id),
                    started_at = printf('2026-01-0%d 10:00:00.000', id),
                    ended_at = CASE WHEN status = 'running' THEN NULL ELSE printf('2026-01-0%d 10:00:05.000', id) END,
                    heartbeat_at = CASE WHEN status = 'running' THEN strftime('%Y-%m-%d %H:%M:%f', 'now') ELSE heartbeat_at END
                """)
        }
        return store
    }

    /// Row counts per table for one run.
    public static func rowCounts(_ store: RunStore, run: Int64) throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try store.rowCounts(runs: [run]).map { ($0.table, $0.rows) })
    }
}
