/// What a data set's targets mean, which decides the network's output head.
public enum Task: Sendable, Hashable, Codable {
    /// One real-valued target per output column (mean-squared error).
    case regression(outputs: Int)
    /// Two classes, one target column holding 0 or 1 (sigmoid + binary cross-entropy).
    case binary
    /// One of `classes` classes, targets one-hot (softmax + cross-entropy).
    case multiclass(classes: Int)
    /// Any subset of `labels` labels, targets multi-hot (one sigmoid per label).
    case multilabel(labels: Int)

    /// The number of target columns, which is the width of the network's output layer.
    public var outputCount: Int {
        switch self {
        case .regression(let n): n
        case .binary: 1
        case .multiclass(let n): n
        case .multilabel(let n): n
        }
    }

    /// Whether accuracy is meaningful for this task.
    public var isClassification: Bool {
        if case .regression = self { return false }
        return true
    }

    /// Whether every sample belongs to exactly one class (binary or multi-class).
    public var hasOneClassPerSample: Bool {
        switch self {
        case .binary, .multiclass: true
        case .regression, .multilabel: false
        }
    }
}
