/// A table of samples: a row-major feature matrix and a row-major target matrix.
///
/// Targets are stored in the form the output head consumes: 0/1 for ``Task/binary``, one-hot
/// rows for ``Task/multiclass(classes:)``, multi-hot rows for ``Task/multilabel(labels:)``,
/// real values for ``Task/regression(outputs:)``.
public struct Dataset: Sendable, Equatable {
    /// Row-major `count × featureCount` features.
    public var features: [Float]
    /// Row-major `count × task.outputCount` targets.
    public var targets: [Float]
    public let featureCount: Int
    public let task: Task
    /// Names of the feature columns (`x`, `y` for the 2-D sets; the CSV header otherwise).
    public var featureNames: [String]
    /// Names of the classes in index order, for classification data read from text.
    public var classNames: [String]
    /// The label column a file's targets came from (`nil` for generated data).
    public var labelName: String?
    /// How many rows of the file were left out, and values left to fill, for missing values
    /// (``MissingValues``).
    public var missing = MissingCount()

    public struct MissingCount: Sendable, Equatable {
        public var droppedRows = 0
        public var missingValues = 0
        public init(droppedRows: Int = 0, missingValues: Int = 0) {
            self.droppedRows = droppedRows
            self.missingValues = missingValues
        }
    }

    /// The number of samples.
    public var count: Int { featureCount == 0 ? 0 : features.count / featureCount }

    public init(
        features: [Float], targets: [Float], featureCount: Int, task: Task,
        featureNames: [String]? = nil, classNames: [String] = []
    ) {
        precondition(featureCount > 0 && features.count % featureCount == 0, "ragged feature matrix")
        precondition(targets.count == (features.count / featureCount) * task.outputCount, "targets do not match samples")
        self.features = features
        self.targets = targets
        self.featureCount = featureCount
        self.task = task
        self.featureNames = featureNames ?? (0..<featureCount).map { "x\($0)" }
        self.classNames = classNames
    }

    /// Builds a classification data set from class indices, one-hot encoding them when there
    /// are more than two classes.
    public init(features: [Float], featureCount: Int, classIndices: [Int], classCount: Int,
                featureNames: [String]? = nil, classNames: [String] = []) {
        let task: Task = classCount == 2 ? .binary : .multiclass(classes: classCount)
        var targets = [Float](repeating: 0, count: classIndices.count * task.outputCount)
        for (i, c) in classIndices.enumerated() {
            precondition(c >= 0 && c < classCount, "class index out of range")
            if classCount == 2 { targets[i] = Float(c) } else { targets[i * classCount + c] = 1 }
        }
        self.init(features: features, targets: targets, featureCount: featureCount, task: task,
                  featureNames: featureNames, classNames: classNames)
    }

    /// The class index of each sample (argmax of the target row), for classification tasks.
    public var classIndices: [Int] {
        let k = task.outputCount
        switch task {
        case .binary: return targets.map { $0 >= 0.5 ? 1 : 0 }
        case .multiclass:
            return (0..<count).map { i in
                var best = 0
                for c in 1..<k where targets[i * k + c] > targets[i * k + best] { best = c }
                return best
            }
        case .regression, .multilabel: return []
        }
    }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        let d = featureCount, k = task.outputCount
        var f = [Float](); f.reserveCapacity(indices.count * d)
        var t = [Float](); t.reserveCapacity(indices.count * k)
        for i in indices {
            f.append(contentsOf: features[(i * d)..<(i * d + d)])
            t.append(contentsOf: targets[(i * k)..<(i * k + k)])
        }
        return Dataset(features: f, targets: t, featureCount: d, task: task,
                       featureNames: featureNames, classNames: classNames)
    }
}
