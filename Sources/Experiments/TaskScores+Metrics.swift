public import Datasets
public import Neural
import Tracking

extension TaskScores {
    /// The task's metrics of these scores, by their short names (`macro_f1`, `auc`; `rmse`, `mae`,
    /// `r2`); metrics without a value (AUC of more than two classes, R² of a constant target) are
    /// left out.
    public var metricValues: [(name: String, value: Double)] {
        var values: [(name: String, value: Double)] = []
        forEachMetric { values.append(($0, $1)) }
        return values
    }

    /// Calls `body` with each of ``metricValues`` in turn, without making the list (every
    /// recorded epoch adds them to its metrics).
    func forEachMetric(_ body: (_ name: String, _ value: Double) -> Void) {
        func give(_ name: String, _ value: Double?) {
            if let value, value.isFinite { body(name, value) }
        }
        switch self {
        case let .classes(confusion, auc):
            give("macro_f1", confusion.macroF1)
            give("auc", auc)
        case let .values(errors):
            give("rmse", errors.rmse)
            give("mae", errors.mae)
            give("r2", errors.r2)
        }
    }

    /// A metric's catalogue name on one part: `test_macro_f1`, `val_rmse`.
    public static func metricName(_ name: String, split: String) -> String { "\(split)_\(name)" }

    /// Adds the metrics on one part (`test` or `val`) to `metrics`, by their catalogue names
    /// (``Metric/taskMetrics``).
    func addMetrics(split: String, to metrics: inout [String: Double]) {
        forEachMetric { name, value in
            let metric = Self.metricName(name, split: split)
            assert(Metric.taskMetrics.contains { $0.name == metric }, "\(metric) is not in the catalogue")
            metrics[metric] = value
        }
    }
}

extension TargetScale {
    /// An epoch's numbers in the target's own units: losses (squared errors) times the variance,
    /// errors scaled back, predictions shifted back by the mean.
    func reported(_ report: EpochReport) -> EpochReport {
        var r = report
        r.trainLoss = loss(r.trainLoss)
        r.testLoss = loss(r.testLoss)
        r.validationLoss = r.validationLoss.map(loss)
        r.testScores = r.testScores.map(reported)
        r.validationScores = r.validationScores.map(reported)
        return r
    }

    /// A pass's loss and scores in the target's own units.
    public func reported(_ evaluation: Evaluation) -> Evaluation {
        var e = evaluation
        e.loss = loss(e.loss)
        e.scores = e.scores.map(reported)
        return e
    }

    private func reported(_ scores: TaskScores) -> TaskScores {
        guard case let .values(errors) = scores else { return scores }
        return .values(errors.scaled(by: Double(deviation), shift: Double(mean)))
    }
}
