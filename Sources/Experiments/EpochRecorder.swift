import Neural
import Tracking

/// Turns a trainer's epoch reports into what the store keeps: metrics, per-layer health, the
/// alerts that fired, and the weight snapshots the run's options ask for.
struct EpochRecorder {
    let options: TrackingOptions
    let plannedEpochs: Int
    private var monitor: HealthMonitor
    private var bestTestLoss = Double.infinity
    /// The last epoch's tensors and whether they were stored as `final`, for a run that stops early.
    private var last: (epoch: Int, tensors: [TensorSnapshot], storedFinal: Bool)?
    /// Whether an `exploding` alert has fired.
    private(set) var exploded = false

    init(options: TrackingOptions, plannedEpochs: Int) {
        self.options = options
        self.plannedEpochs = plannedEpochs
        monitor = HealthMonitor(thresholds: options.thresholds)
    }

    /// The initial weights, as the epoch-0 snapshot.
    func initialSnapshot(_ network: Network) -> SnapshotRecord? {
        options.snapshots ? SnapshotRecord(epoch: 0, initial: true, tensors: Self.records(network.snapshot())) : nil
    }

    /// The record of one epoch (the report carries the tensors at its end).
    mutating func record(_ r: EpochReport) -> EpochRecord {
        let alerts = monitor.check(r)
        if alerts.contains(where: { $0.kind == .exploding }) { exploded = true }
        let norms = r.gradientNorms.map(Double.init)
        var record = EpochRecord(
            epoch: r.epoch, trainLoss: r.trainLoss, testLoss: r.testLoss, trainAccuracy: r.trainAccuracy,
            testAccuracy: r.testAccuracy, learningRate: r.learningRate, seconds: r.seconds,
            extra: ["grad_norm": norms.isEmpty ? 0 : norms.reduce(0, +) / Double(norms.count),
                    "grad_norm_max": norms.max() ?? 0, "alerts": Double(alerts.count)])
        record.layers = r.layers.map(Self.health)
        record.alerts = alerts.map { AlertRecord(kind: $0.kind.rawValue, layer: $0.layer ?? -1, value: $0.value,
                                                 threshold: $0.threshold, message: $0.message) }
        guard options.snapshots else { return record }
        let every = options.snapshotEvery > 0 && r.epoch % options.snapshotEvery == 0
        let best = r.testLoss < bestTestLoss
        bestTestLoss = min(bestTestLoss, r.testLoss)
        let final = r.epoch == plannedEpochs
        let tensors = r.layers.flatMap(\.tensors)
        last = (r.epoch, tensors, final)
        if every || best || final {
            record.snapshot = SnapshotRecord(epoch: r.epoch, every: every, best: best, final: final, tensors: Self.records(tensors))
        }
        return record
    }

    /// The `final` snapshot of a run that ended before its planned last epoch.
    func closingSnapshot() -> SnapshotRecord? {
        guard let last, !last.storedFinal else { return nil }
        return SnapshotRecord(epoch: last.epoch, final: true, tensors: Self.records(last.tensors))
    }

    private static func records(_ tensors: [TensorSnapshot]) -> [TensorRecord] {
        tensors.map { TensorRecord(layer: $0.layer, name: $0.name, shape: $0.shape, values: $0.values) }
    }

    private static func health(_ l: LayerReport) -> LayerHealthRecord {
        let w = l.weightGradientNorms.map(Double.init), b = l.biasGradientNorms.map(Double.init)
        let a = l.activations, e = l.evaluationActivations
        return LayerHealthRecord(
            layer: l.index, units: l.units, activation: l.activation.description,
            gradNormMean: w.isEmpty ? 0 : w.reduce(0, +) / Double(w.count), gradNormMax: w.max() ?? 0,
            biasGradNormMean: b.isEmpty ? 0 : b.reduce(0, +) / Double(b.count), biasGradNormMax: b.max() ?? 0,
            weightNorm: l.weightNorm, updateRatio: l.updateRatio,
            actMean: a?.mean, actStd: a?.std, deadUnits: a?.deadUnits, deadFraction: a?.deadFraction,
            saturatedFraction: a?.saturatedFraction, evalActMean: e?.mean, evalActStd: e?.std,
            evalDeadUnits: e?.deadUnits, evalSaturatedFraction: e?.saturatedFraction)
    }
}
