/// What turns rows of a run's raw input columns into the network's inputs, and its outputs
/// back into labels: fitted on the run's training data once and stored with the run, so that a
/// snapshot is a model. `predict` and `eval` apply it to new data and never fit anything again.
///
/// ## Topics
/// - ``columns``, ``label``, ``crosses``, ``standardizer``, ``task``, ``classes``
/// - ``inputs(_:)``
public struct InputTransform: Sendable, Equatable, Codable {
    /// The raw input columns by name, in the order the network reads them (before crosses):
    /// `x`, `y` for the 2-D sets, the CSV header's feature columns otherwise.
    public var columns: [String]
    /// The label column: the CSV file's, or ``builtinLabel`` for a generated set.
    public var label: String
    /// Feature crosses computed from the two raw columns, when the run used any.
    public var crosses: [FeatureCross]?
    /// Means and deviations fitted on the training part, when the run standardised.
    public var standardizer: Standardizer?
    /// What the targets mean, which fixed the output head.
    public var task: Task
    /// Per raw column, the training mean that fills a missing value (`--missing mean`); `nil`
    /// when missing values are errors.
    public var fill: [Float]?
    /// A regression target's standardisation, when the run standardised it.
    public var targetScale: TargetScale?
    /// The class names in index order (text labels as the file had them, sorted; `0`, `1`, … for
    /// generated sets); empty for regression.
    public var classes: [String]

    /// The label column's name for data a built-in generator made.
    public static let builtinLabel = "label"

    public init(columns: [String], label: String, crosses: [FeatureCross]?, standardizer: Standardizer?, task: Task, classes: [String],
                fill: [Float]? = nil, targetScale: TargetScale? = nil) {
        self.fill = fill
        self.targetScale = targetScale
        self.columns = columns
        self.label = label
        self.crosses = crosses
        self.standardizer = standardizer
        self.task = task
        self.classes = classes
    }

    /// The network's inputs for raw rows (in ``columns`` order): missing values filled, crossed,
    /// standardised with the stored statistics, and a regression target standardised.
    public func inputs(_ raw: Dataset) throws(DatasetError) -> Dataset {
        var d = raw
        if let fill { d = MissingValues.filled(d, with: fill) }
        if let crosses, crosses != FeatureCross.raw { d = try d.crossed(crosses) }
        if let standardizer { d = standardizer.apply(to: d) }
        if let targetScale { d = targetScale.apply(to: d) }
        return d
    }

    /// How many inputs the network has.
    public var inputCount: Int { crosses.map { $0 == FeatureCross.raw ? columns.count : $0.count } ?? columns.count }
}
