import Foundation
public import Datasets

/// Where a run's data comes from and how it is split: a built-in set by name, or a CSV file.
public struct DataSpec: Sendable, Hashable, Codable {
    /// A built-in set (`circle`, `xor`, `gauss`, `spiral`, `plane`, `multigauss`, `moons`,
    /// `blobs`) or the path of a CSV file.
    public var dataset: String
    /// Points to generate (built-in sets).
    public var samples: Int
    /// Noise in percent, 0–50 (built-in sets).
    public var noise: Double
    /// Share of the samples used for training, in percent (10–90 on the Playground).
    public var trainRatio: Double
    /// Share of the training samples set aside for validation, in percent; `nil` for none (and
    /// then left out of the configuration's JSON, so configurations from before it stay the same).
    public var validationRatio: Double?
    /// The label column of a CSV file (default: the last column) and how to read it.
    public var label: String?
    public var labelKind: CSVDataset.LabelKind
    /// Standardise features with the training split's statistics. Default: on for CSV files, off
    /// for the built-in 2-D sets (the Playground feeds raw coordinates).
    public var standardize: Bool?
    /// Split each class on its own so both parts keep the class shares.
    public var stratified: Bool
    /// Classes and dimensions of `blobs`.
    public var classes: Int
    public var features: Int
    /// The inputs computed from the two raw columns (the Playground's feature crosses); nil
    /// or `[x, y]` for the raw columns as they are.
    public var crosses: [FeatureCross]?
    /// A CSV file's input columns in order (`--columns`), and columns left out (`--drop`); nil
    /// for every column but the label (and then left out of the JSON, as are the others below).
    public var columns: [String]?
    public var drop: [String]?
    /// What an empty or `NA` cell of a CSV file does; nil for ``MissingValues/error``.
    public var missing: MissingValues?

    /// Every field given; ``RunConfiguration/defaults`` holds the options' defaults.
    public init(dataset: String, samples: Int, noise: Double, trainRatio: Double, validationRatio: Double?, label: String?,
                labelKind: CSVDataset.LabelKind, standardize: Bool?, stratified: Bool, classes: Int, features: Int,
                crosses: [FeatureCross]?, columns: [String]? = nil, drop: [String]? = nil, missing: MissingValues? = nil) {
        self.columns = columns
        self.drop = drop
        self.missing = missing
        self.dataset = dataset
        self.samples = samples
        self.noise = noise
        self.trainRatio = trainRatio
        self.validationRatio = validationRatio
        self.label = label
        self.labelKind = labelKind
        self.standardize = standardize
        self.stratified = stratified
        self.classes = classes
        self.features = features
        self.crosses = crosses
    }

    /// The built-in set named by ``dataset``, or `nil` when it names a file.
    public var builtin: BuiltinDataset? { BuiltinDataset(rawValue: dataset.lowercased()) }

    /// The data as generated or read, and its split into training, validation and test rows,
    /// before any value is filled, crossed or standardised: the points as a person would plot them.
    public func rawSplit(seed: UInt64, maxValues: Int = .max) throws(DatasetError) -> (data: Dataset, split: DatasetSplit) {
        guard trainRatio > 0 && trainRatio < 100 else {
            throw .invalidOption(name: "train-ratio", value: "\(trainRatio)", expected: "a percentage between 0 and 100, e.g. 50")
        }
        let data: Dataset
        if let builtin {
            if let columns {
                throw .invalidOption(name: "features", value: columns.joined(separator: ","),
                                     expected: "feature crosses of '\(builtin.rawValue)' (\(FeatureCross.allCases.map(\.rawValue).joined(separator: ", "))); "
                                        + "column names choose a CSV file's inputs")
            }
            data = try builtin.generate(samples: samples, noise: noise, seed: seed, classes: classes, features: features)
        } else if dataset.contains("/") || dataset.lowercased().hasSuffix(".csv") || FileManager.default.fileExists(atPath: dataset) {
            data = try CSVDataset.load(path: dataset, label: label, kind: labelKind, columns: ColumnChoice(inputs: columns, drop: drop ?? []),
                                       missing: missing ?? .error, maxValues: maxValues)
        } else {
            throw .invalidOption(name: "dataset", value: dataset,
                                 expected: "one of \(BuiltinDataset.allCases.map(\.rawValue).joined(separator: ", ")) or the path of a CSV file"
                                    + Spelling.hint(for: dataset, among: BuiltinDataset.allCases.map(\.rawValue)))
        }
        if let crosses, crosses != FeatureCross.raw, data.featureCount != 2 {
            // Checked before the split so the error is the crosses', not the split's.
            _ = try data.subset([]).crossed(crosses)
        }
        let split = try DatasetSplit.split(data, trainFraction: trainRatio / 100, validationFraction: (validationRatio ?? 0) / 100,
                                           seed: seed, stratified: stratified)
        return (data, split)
    }

    /// Generates or reads the data and splits it; `seed` fixes generation and the split. The
    /// split carries the ``InputTransform`` that made its inputs, to store with the run.
    /// - Parameters:
    ///   - maxValues: the most values a CSV file may hold (see ``MemoryBudget``).
    ///   - transform: a stored run's transform: its standardiser is applied, never fitted again.
    public func load(seed: UInt64, maxValues: Int = .max, transform stored: InputTransform? = nil) throws(DatasetError) -> DatasetSplit {
        let raw = try rawSplit(seed: seed, maxValues: maxValues)
        let data = raw.data
        var split = raw.split
        let columns = data.featureNames
        let classes = !data.classNames.isEmpty || !data.task.isClassification ? data.classNames
            : (0..<(data.task == .binary ? 2 : data.task.outputCount)).map(String.init)
        // Then, part by part, fill missing values with the training part's means, cross, and
        // standardise with the training part's statistics.
        let fill = stored?.fill ?? (data.missing.missingValues > 0 ? MissingValues.means(of: split.train) : nil)
        if let fill { split = split.mapped { MissingValues.filled($0, with: fill) } }
        if let crosses, crosses != FeatureCross.raw { split = try split.mapped { d throws(DatasetError) in try d.crossed(crosses) } }
        var standardizer: Standardizer?, targetScale: TargetScale?
        if let stored {
            standardizer = stored.standardizer
            targetScale = stored.targetScale
        } else if standardize ?? (builtin == nil) {
            standardizer = Standardizer(fitting: split.train)
            if case .regression(1) = data.task { targetScale = TargetScale(fitting: split.train) }
        }
        if let standardizer { split = split.standardized(with: standardizer) }
        if let targetScale { split = split.mapped(targetScale.apply(to:)) }
        split.transform = stored ?? InputTransform(columns: columns, label: data.labelName ?? InputTransform.builtinLabel, crosses: crosses,
                                                   standardizer: standardizer, task: data.task, classes: classes,
                                                   fill: fill, targetScale: targetScale)
        split.missing = data.missing
        return split
    }
}
