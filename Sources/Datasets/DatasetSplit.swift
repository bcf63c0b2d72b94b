/// A data set divided into a training part, an optional validation part carved out of the
/// training data (what model selection looks at), and a test part (looked at, never selected on).
public struct DatasetSplit: Sendable, Equatable {
    public var train: Dataset
    public var validation: Dataset?
    public var test: Dataset
    /// What turned the raw data into these parts' inputs (set by whoever loaded it), to be
    /// stored with a run so that its snapshots can be applied to new data.
    public var transform: InputTransform?
    /// Rows of the file left out and values filled for missing values.
    public var missing = Dataset.MissingCount()

    public init(train: Dataset, validation: Dataset? = nil, test: Dataset) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// Shuffles `data` with `seed` and puts the first `trainFraction` of it in the training part,
    /// as the TensorFlow Playground does.
    ///
    /// With `stratified`, each class is split on its own, so both parts keep the class shares
    /// of the whole (classification only; for regression it is ignored).
    ///
    /// With a `validationFraction`, that share of the training part (after the test part is set
    /// aside, with its own stream of the seed, stratified the same way) becomes the validation
    /// part: the training and test parts of a run with validation are the same test part and a
    /// subset of the training part of the same run without.
    /// - Throws: ``DatasetError`` when a fraction is outside its range or a part would be empty.
    public static func split(_ data: Dataset, trainFraction: Double, validationFraction: Double = 0, seed: UInt64,
                             stratified: Bool = false) throws(DatasetError) -> DatasetSplit {
        guard trainFraction > 0 && trainFraction < 1 else {
            throw .invalidOption(name: "train ratio", value: "\(trainFraction * 100)%",
                                 expected: "a percentage strictly between 0 and 100")
        }
        guard validationFraction >= 0 && validationFraction < 1 else {
            throw .invalidOption(name: "validation ratio", value: "\(validationFraction * 100)%",
                                 expected: "a percentage of the training data from 0 to below 100")
        }
        let stratify = stratified && data.task.hasOneClassPerSample
        let (trainIndices, testIndices) = divide(Array(0..<data.count), data, keeping: trainFraction, stratify: stratify,
                                                 rng: SeededGenerator(seed: seed).derived(0x5B17))
        guard !trainIndices.isEmpty, !testIndices.isEmpty else {
            throw .tooFewSamples("a train ratio of \(trainFraction * 100)% of \(data.count) samples leaves "
                + (trainIndices.isEmpty ? "no training samples" : "no test samples"))
        }
        guard validationFraction > 0 else { return DatasetSplit(train: data.subset(trainIndices), test: data.subset(testIndices)) }
        let (fitIndices, validationIndices) = divide(trainIndices, data, keeping: 1 - validationFraction, stratify: stratify,
                                                     rng: SeededGenerator(seed: seed).derived(0x7A11D))
        guard !fitIndices.isEmpty, !validationIndices.isEmpty else {
            throw .tooFewSamples("a validation ratio of \(validationFraction * 100)% of \(trainIndices.count) training samples leaves "
                + (fitIndices.isEmpty ? "no samples to train on" : "no validation samples"))
        }
        return DatasetSplit(train: data.subset(fitIndices), validation: data.subset(validationIndices), test: data.subset(testIndices))
    }

    /// `indices` shuffled and cut in two, the first keeping `fraction` of them (of each class's,
    /// when stratified).
    private static func divide(_ indices: [Int], _ data: Dataset, keeping fraction: Double, stratify: Bool,
                               rng: SeededGenerator) -> (kept: [Int], rest: [Int]) {
        var rng = rng
        var kept: [Int] = [], rest: [Int] = []
        let groups: [[Int]]
        if stratify {
            let classes = data.classIndices
            var byClass: [Int: [Int]] = [:]
            for i in indices { byClass[classes[i], default: []].append(i) }
            groups = byClass.keys.sorted().map { byClass[$0]! }
        } else {
            groups = [indices]
        }
        for var group in groups {
            rng.shuffle(&group)
            let cut = Int((Double(group.count) * fraction).rounded(.down))
            kept += group[..<cut]
            rest += group[cut...]
        }
        if groups.count > 1 {
            // Interleave classes again so that minibatches are not sorted by class.
            rng.shuffle(&kept)
            rng.shuffle(&rest)
        }
        return (kept, rest)
    }

    /// Every part standardised with the mean and standard deviation of the training part only,
    /// so nothing about the validation or test data leaks into training.
    public func standardized() -> (split: DatasetSplit, standardizer: Standardizer) {
        let s = Standardizer(fitting: train)
        return (standardized(with: s), s)
    }

    /// Every part standardised with statistics fitted elsewhere (a stored run's).
    /// Every part through `transform` (row by row, so the rows stay where they are).
    public func mapped<E: Error>(_ transform: (Dataset) throws(E) -> Dataset) throws(E) -> DatasetSplit {
        var out = DatasetSplit(train: try transform(train), validation: try validation.map { d throws(E) in try transform(d) }, test: try transform(test))
        out.transform = self.transform
        out.missing = missing
        return out
    }

    public func standardized(with s: Standardizer) -> DatasetSplit {
        mapped(s.apply(to:))
    }
}
