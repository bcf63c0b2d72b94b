import Neural
import Tracking

/// Turns a trainer's epoch reports into what the store keeps: metrics, per-layer health, the
/// alerts that fired, and the weight snapshots the run's options ask for.
struct EpochRecorder {
    let options: TrackingOptions
    let plannedEpochs: Int
    private var monitor: HealthMonitor
    /// The epoch the `best` snapshot keeps: selected for the test loss (``Selection``: by the
    /// validation loss when the run has validation data).
    private(set) var selection = Selection(metric: .testLoss)
    /// The selected epoch's metrics (without layers or snapshot).
    private(set) var selected: EpochRecord?
    /// The last epoch's metrics, as recorded (without layers or snapshot).
    private(set) var lastMetrics: EpochRecord?
    /// The selected epoch's scores on the test and the validation part, made into its confusion
    /// matrices only when asked (``selectedConfusion``): a run that improves every epoch would
    /// otherwise build a record of every cell at every epoch.
    private var selectedScores: (epoch: Int, test: TaskScores?, validation: TaskScores?)?
    /// The last epoch's tensors and whether they were stored as `final`, for a run that stops early.
    private var last: (epoch: Int, tensors: [TensorSnapshot], storedFinal: Bool)?
    /// The best weights not yet written, and the training time at which a best was last written.
    private var pendingBest: (epoch: Int, tensors: [TensorSnapshot])?
    private var lastBestWritten = 0.0
    private var trainingSeconds = 0.0
    /// Seconds of training after which a held-back best snapshot is written anyway.
    static let bestInterval = 10.0
    /// Whether an `exploding` alert has fired.
    private(set) var exploded = false
    /// Early stopping, and the weights of its best epoch (the run's `final` snapshot if it stops).
    private var stopper: EarlyStopper?
    private var earlyBest: (epoch: Int, tensors: [TensorSnapshot])?

    /// Epochs between periodic (`every`) snapshots; 0 for none.
    let snapshotInterval: Int

    /// - Parameter snapshotInterval: by default the options' `snapshotEvery`
    ///   (``TrackingOptions/snapshotInterval(epochs:planar:parameters:)`` adds frames for planar runs).
    init(options: TrackingOptions, plannedEpochs: Int, earlyStopping: EarlyStopping? = nil, snapshotInterval: Int? = nil) {
        self.snapshotInterval = snapshotInterval ?? options.snapshotEvery
        self.options = options
        self.plannedEpochs = plannedEpochs
        monitor = HealthMonitor(thresholds: options.thresholds)
        stopper = earlyStopping.map(EarlyStopper.init)
    }

    /// Goes on from a resumed run's stored epochs: the selection and early stopping see them
    /// again (the health monitor's windows start afresh).
    mutating func replay(_ epochs: [EpochRecord]) {
        for record in epochs {
            if selection.add(record) { selected = record }
            _ = stopper?.observe(record)
        }
    }

    /// Whether early stopping ends the run after the last recorded epoch.
    var stopsEarly: Bool { stopper?.shouldStop ?? false }

    /// Why the run stopped early, once ``stopsEarly``.
    func stopReason(at epoch: Int) -> String? { stopsEarly ? stopper?.reason(at: epoch) : nil }

    /// The initial weights, as the epoch-0 snapshot.
    func initialSnapshot(_ engine: any TrainingEngine) -> SnapshotRecord? {
        options.snapshots ? SnapshotRecord(epoch: 0, initial: true, tensors: Self.records(engine.snapshot())) : nil
    }

    /// The record of one epoch (the report carries the tensors at its end), and an earlier
    /// epoch's `best` snapshot that is due now, to be written before it.
    ///
    /// The store keeps one `best` snapshot per run, so a new best is held back rather than
    /// written at every improvement (on a run that improves every epoch that would be a full
    /// copy of the weights per epoch): it is written when it rides along with an `every` or
    /// `final` snapshot, when ``bestInterval`` seconds of training have passed since the last
    /// one was written, or at ``closingSnapshots()``. A crash loses at most that interval's bests.
    mutating func record(_ r: EpochReport) -> (epoch: EpochRecord, best: SnapshotRecord?) {
        let alerts = monitor.check(r)
        if alerts.contains(where: { $0.kind == .exploding }) { exploded = true }
        let norms = Self.meanAndMax(r.gradientNorms)
        var extra = [String: Double](minimumCapacity: Metric.catalogue.count)
        extra[Metric.gradNorm.name] = norms.mean
        extra[Metric.gradNormMax.name] = norms.max
        extra[Metric.alerts.name] = Double(alerts.filter { $0.severity != .note }.count)
        if let loss = r.validationLoss { extra[Metric.valLoss.name] = loss }
        if let accuracy = r.validationAccuracy { extra[Metric.valAccuracy.name] = accuracy }
        r.testScores?.addMetrics(split: "test", to: &extra)
        r.validationScores?.addMetrics(split: "val", to: &extra)
        var record = EpochRecord(
            epoch: r.epoch, trainLoss: r.trainLoss, testLoss: r.testLoss, trainAccuracy: r.trainAccuracy,
            testAccuracy: r.testAccuracy, learningRate: r.learningRate, seconds: r.seconds, extra: extra)
        lastMetrics = record
        let improved = selection.add(record)
        if improved {
            selected = record
            selectedScores = (r.epoch, r.testScores, r.validationScores)
        }
        if stopper?.observe(record) == true, options.snapshots { earlyBest = (r.epoch, r.layers.flatMap(\.tensors)) }
        record.layers = r.layers.map(Self.health)
        record.alerts = alerts
        guard options.snapshots else { return (record, nil) }
        trainingSeconds += r.seconds
        let every = snapshotInterval > 0 && r.epoch % snapshotInterval == 0
        let final = r.epoch == plannedEpochs
        let tensors = r.layers.flatMap(\.tensors)
        last = (r.epoch, tensors, final)
        if improved { pendingBest = (r.epoch, tensors) }
        let bestDue = every || final || trainingSeconds - lastBestWritten >= Self.bestInterval
        var earlierBest: SnapshotRecord?
        if bestDue, let pending = pendingBest {
            lastBestWritten = trainingSeconds
            pendingBest = nil
            if pending.epoch != r.epoch {
                earlierBest = SnapshotRecord(epoch: pending.epoch, best: true, tensors: Self.records(pending.tensors))
            } else {
                record.snapshot = SnapshotRecord(epoch: r.epoch, every: every, best: true, final: final, tensors: Self.records(tensors))
            }
        }
        if record.snapshot == nil && (every || final) {
            record.snapshot = SnapshotRecord(epoch: r.epoch, every: every, final: final, tensors: Self.records(tensors))
        }
        return (record, earlierBest)
    }

    /// What is still to be written when training ends: the best weights held back, and the last
    /// epoch's as `final` when the run stopped before its planned last epoch — or, when early
    /// stopping ended it, its best epoch's weights.
    func closingSnapshots() -> [SnapshotRecord] {
        var snapshots: [SnapshotRecord] = []
        let final = stopsEarly && earlyBest != nil ? earlyBest.map { (epoch: $0.epoch, tensors: $0.tensors, storedFinal: false) }
            : last.flatMap { $0.storedFinal ? nil : $0 }
        if let pendingBest {
            let alsoFinal = final?.epoch == pendingBest.epoch
            snapshots.append(SnapshotRecord(epoch: pendingBest.epoch, best: true, final: alsoFinal,
                                            tensors: Self.records(pendingBest.tensors)))
            if alsoFinal { return snapshots }
        }
        if let final { snapshots.append(SnapshotRecord(epoch: final.epoch, final: true, tensors: Self.records(final.tensors))) }
        return snapshots
    }

    /// The selected epoch's confusion matrices, on the test and the validation part.
    var selectedConfusion: ConfusionRecord? {
        guard let (epoch, test, validation) = selectedScores else { return nil }
        var cells: [ConfusionRecord.Cell] = []
        for (split, scores) in [("test", test), ("validation", validation)] {
            guard case let .classes(matrix, _)? = scores else { continue }
            for actual in 0..<matrix.classes {
                for predicted in 0..<matrix.classes {
                    cells.append(.init(split: split, actual: actual, predicted: predicted, count: matrix.count(actual: actual, predicted: predicted)))
                }
            }
        }
        return cells.isEmpty ? nil : ConfusionRecord(epoch: epoch, cells: cells)
    }

    private static func records(_ tensors: [TensorSnapshot]) -> [TensorRecord] {
        tensors.map { TensorRecord(layer: $0.layer, name: $0.name, shape: $0.shape, values: $0.values) }
    }

    /// The mean (summed in `Double`, in order) and the largest of an epoch's per-step norms; 0 and
    /// 0 for none.
    private static func meanAndMax(_ norms: [Float]) -> (mean: Double, max: Double) {
        guard var largest = norms.first.map(Double.init) else { return (0, 0) }
        var sum = 0.0
        for norm in norms {
            sum += Double(norm)
            if largest < Double(norm) { largest = Double(norm) }   // as `max()`
        }
        return (sum / Double(norms.count), largest)
    }

    private static func health(_ l: LayerReport) -> LayerHealthRecord {
        let w = meanAndMax(l.weightGradientNorms), b = meanAndMax(l.biasGradientNorms)
        let a = l.activations, e = l.evaluationActivations
        return LayerHealthRecord(
            layer: l.index, units: l.units, activation: l.activation.description,
            gradNormMean: w.mean, gradNormMax: w.max, biasGradNormMean: b.mean, biasGradNormMax: b.max,
            weightNorm: l.weightNorm, updateRatio: l.updateRatio,
            actMean: a?.mean, actStd: a?.std, deadUnits: a?.deadUnits, deadFraction: a?.deadFraction,
            saturatedFraction: a?.saturatedFraction, evalActMean: e?.mean, evalActStd: e?.std,
            evalDeadUnits: e?.deadUnits, evalSaturatedFraction: e?.saturatedFraction)
    }
}
