import Foundation

/// A per-epoch metric and how to read it: where it is stored, which way is better, its unit
/// and how people see it. Every "best", every direction and every display of a metric comes
/// from here.
///
/// The store keeps any metric a run records; a name not in ``catalogue`` is read as
/// ``Metric/init(name:)`` says (lower is better, a plain number).
public struct Metric: Sendable, Hashable, Codable {
    /// Where the values live.
    public enum Source: String, Sendable, Hashable, Codable {
        /// A column of `epochs` named like the metric.
        case epochs
        /// Rows of `extra_metrics` with this name: a metric outside the catalogue.
        case metrics
        /// An aggregate over the layers of `layer_health` per epoch.
        case layers
    }

    /// How a value is shown to people (exports always write the number itself).
    public enum Display: String, Sendable, Hashable, Codable {
        /// Five significant digits (`0.17638`).
        case number
        /// A share from 0 to 1, three decimals (`0.976`), as filters take it.
        case fraction
        /// A whole number (`12`).
        case count
        /// Seconds, three significant digits and `s`.
        case seconds
    }

    public var name: String
    public var goal: Goal
    public var source: Source
    public var display: Display
    /// The unit of its values: `s` for seconds, empty for losses, shares and counts.
    public var unit: String { display == .seconds ? "s" : "" }
    /// A short description for help texts and the README.
    public var about: String
    /// For ``Source/layers``: the SQL aggregate over a layer column (`SUM(dead_units)`).
    var layerAggregate: String?

    /// A metric outside the catalogue: stored in `extra_metrics`, lower is better, a plain number.
    public init(name: String) {
        self.init(name, .minimize, .metrics, .number, "a recorded metric")
    }

    init(_ name: String, _ goal: Goal, _ source: Source, _ display: Display, _ about: String, layers aggregate: String? = nil) {
        self.name = name
        self.goal = goal
        self.source = source
        self.display = display
        self.about = about
        layerAggregate = aggregate
    }

    /// The metric of this name: from ``catalogue``, or a recorded metric of the default kind.
    public static func named(_ name: String) -> Metric {
        catalogue.first { $0.name == name } ?? Metric(name: name)
    }

    /// What selection looks at in place of this metric when a run has validation data: `val_loss`
    /// for `test_loss`, `val_accuracy` for `test_accuracy` (and themselves); nil for the others,
    /// which are selected on as they are.
    public var onValidation: Metric? {
        if name.hasPrefix("val_") { return Self.catalogue.contains { $0.name == name } ? self : nil }
        guard name.hasPrefix("test_") else { return nil }
        let counterpart = "val_" + name.dropFirst("test_".count)
        return Self.catalogue.first { $0.name == counterpart }
    }

    /// The metric whose validation values choose this one's epoch, when that is another metric
    /// (`val_loss` for `test_loss`; nil for `val_loss` itself and for metrics without one).
    public var validationCounterpart: Metric? {
        onValidation.flatMap { $0.name == name ? nil : $0 }
    }

    /// The value for people: see ``Display``.
    public func formatted(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        switch display {
        case .number: return TableWriter.display(value)
        case .fraction: return Printf.format("%.3f", value)
        case .count: return value == value.rounded() ? String(Int(value)) : TableWriter.display(value)
        case .seconds: return Printf.format("%.3gs", value)
        }
    }

    // MARK: - The catalogue

    public static let trainLoss = Metric("train_loss", .minimize, .epochs, .number, "loss on the training set (minibatch mean, or a full pass with --evaluate-train)")
    public static let testLoss = Metric("test_loss", .minimize, .epochs, .number, "loss on the test set, a full pass after each epoch")
    public static let trainAccuracy = Metric("train_accuracy", .maximize, .epochs, .fraction, "share of training samples classified right")
    public static let testAccuracy = Metric("test_accuracy", .maximize, .epochs, .fraction, "share of test samples classified right")
    public static let valLoss = Metric("val_loss", .minimize, .epochs, .number,
                                       "loss on the validation split (--validation-ratio), a full pass after each epoch")
    public static let valAccuracy = Metric("val_accuracy", .maximize, .epochs, .fraction, "share of validation samples classified right")
    public static let learningRate = Metric("learning_rate", .minimize, .epochs, .number, "the learning rate used in the epoch")
    public static let seconds = Metric("seconds", .minimize, .epochs, .seconds, "wall time of the epoch")
    public static let gradNorm = Metric("grad_norm", .minimize, .epochs, .number, "global L2 norm of the gradient, mean over the epoch's steps")
    public static let gradNormMax = Metric("grad_norm_max", .minimize, .epochs, .number, "global L2 norm of the gradient, largest step")
    public static let alerts = Metric("alerts", .minimize, .epochs, .count, "alerts that fired in the epoch (notes not counted)")
    public static let deadUnits = Metric("dead_units", .minimize, .layers, .count, "dead units, summed over the layers", layers: "SUM(dead_units)")
    public static let deadFraction = Metric("dead_fraction", .minimize, .layers, .fraction, "share of dead units, largest layer", layers: "MAX(dead_fraction)")
    public static let saturatedFraction = Metric("saturated_fraction", .minimize, .layers, .fraction,
                                                 "share of saturated outputs, largest layer", layers: "MAX(saturated_fraction)")

    /// A task's own metrics, on the test part and (named `val_…`) on the validation part.
    public static let taskMetrics: [Metric] = ["test", "val"].flatMap { split -> [Metric] in
        let part = split == "test" ? "test set" : "validation split"
        return [
            Metric("\(split)_macro_f1", .maximize, .epochs, .fraction, "mean F1 over the classes on the \(part) (scikit-learn's macro average)"),
            Metric("\(split)_auc", .maximize, .epochs, .fraction, "area under the ROC curve on the \(part) (two classes)"),
            Metric("\(split)_rmse", .minimize, .epochs, .number, "root mean squared error on the \(part), in the target's units (regression)"),
            Metric("\(split)_mae", .minimize, .epochs, .number, "mean absolute error on the \(part), in the target's units (regression)"),
            Metric("\(split)_r2", .maximize, .epochs, .number, "coefficient of determination R² on the \(part) (regression)"),
        ]
    }

    /// Every metric Gradbook records, in the order lists show them.
    public static let catalogue: [Metric] = [
        trainLoss, testLoss, trainAccuracy, testAccuracy, valLoss, valAccuracy, learningRate, seconds, gradNorm, gradNormMax, alerts,
        deadUnits, deadFraction, saturatedFraction,
    ] + taskMetrics

    /// The curves exported and compared when no metric is named.
    public static let standardCurves: [Metric] = [trainLoss, testLoss, trainAccuracy, testAccuracy]
}
