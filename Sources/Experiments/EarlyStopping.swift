import Tracking

/// Early stopping as Keras's `EarlyStopping(monitor, patience, min_delta, restore_best_weights=True)`:
/// the run ends once `metric` has not improved on its best by more than `minDelta` for
/// `patience` epochs in a row; it ends `finished`, with the reason recorded, and its `final`
/// snapshot holds the best epoch's weights.
///
/// The metric is a validation one when the run has a validation split (`--early-stop test_loss`
/// is refused there: stopping on test data would select on it); without one, a test metric may
/// be watched, and the stop reason says so.
public struct EarlyStopping: Sendable, Hashable, Codable {
    public var metric: String
    public var patience: Int
    public var minDelta: Double

    public init(metric: String, patience: Int = 10, minDelta: Double = 0) {
        self.metric = metric
        self.patience = patience
        self.minDelta = minDelta
    }

    /// The metrics early stopping can watch: the per-epoch losses and accuracies.
    public static let metrics = [Metric.valLoss, .valAccuracy, .trainLoss, .trainAccuracy, .testLoss, .testAccuracy].map(\.name)
}

/// The state of ``EarlyStopping`` over one run's epochs.
struct EarlyStopper {
    let rule: EarlyStopping
    let metric: Metric
    /// The best epoch and its value so far.
    private(set) var best: (epoch: Int, value: Double)?
    private var waited = 0

    init(_ rule: EarlyStopping) {
        self.rule = rule
        metric = Metric.named(rule.metric)
    }

    /// Takes an epoch's values. - Returns: whether this epoch is the new best.
    mutating func observe(_ record: EpochRecord) -> Bool {
        guard let value = record.value(of: rule.metric) else { return false }
        let improved = best.map { metric.goal == .minimize ? value < $0.value - rule.minDelta : value > $0.value + rule.minDelta } ?? true
        if improved {
            best = (record.epoch, value)
            waited = 0
        } else {
            waited += 1
        }
        return improved
    }

    /// Whether the run should stop now.
    var shouldStop: Bool { waited >= rule.patience }

    /// `early_stopped at epoch 57: val_loss did not improve by more than 0 for 10 epochs; best 0.123 at epoch 47`.
    func reason(at epoch: Int) -> String {
        let onTest = rule.metric.hasPrefix("test_") ? " (on test data: the run has no validation split)" : ""
        return "early_stopped at epoch \(epoch): \(rule.metric)\(onTest) did not improve by more than \(rule.minDelta) for \(rule.patience) epochs; "
            + "best \(best.map { metric.formatted($0.value) } ?? "-") at epoch \(best?.epoch ?? 0), whose weights are the final snapshot"
    }
}
