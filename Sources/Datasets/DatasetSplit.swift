/// A data set divided into a training part and a test part.
public struct DatasetSplit: Sendable, Equatable {
    public var train: Dataset
    public var test: Dataset

    public init(train: Dataset, test: Dataset) {
        self.train = train
        self.test = test
    }

    /// Shuffles `data` with `seed` and puts the first `trainFraction` of it in the training part,
    /// as the TensorFlow Playground does.
    ///
    /// With `stratified`, each class is split on its own, so both parts keep the class shares
    /// of the whole (classification only; for regression it is ignored).
    /// - Throws: ``DatasetError`` when the fraction is outside (0, 1) or either part would be empty.
    public static func split(_ data: Dataset, trainFraction: Double, seed: UInt64,
                             stratified: Bool = false) throws(DatasetError) -> DatasetSplit {
        guard trainFraction > 0 && trainFraction < 1 else {
            throw .invalidOption(name: "train ratio", value: "\(trainFraction * 100)%",
                                 expected: "a percentage strictly between 0 and 100")
        }
        var rng = SeededGenerator(seed: seed).derived(0x5B17)
        var trainIndices: [Int] = [], testIndices: [Int] = []
        let groups: [[Int]]
        if stratified && data.task.hasOneClassPerSample {
            var byClass: [Int: [Int]] = [:]
            for (i, c) in data.classIndices.enumerated() { byClass[c, default: []].append(i) }
            groups = byClass.keys.sorted().map { byClass[$0]! }
        } else {
            groups = [Array(0..<data.count)]
        }
        for var group in groups {
            rng.shuffle(&group)
            let cut = Int((Double(group.count) * trainFraction).rounded(.down))
            trainIndices += group[..<cut]
            testIndices += group[cut...]
        }
        if groups.count > 1 {
            // Interleave classes again so that minibatches are not sorted by class.
            rng.shuffle(&trainIndices)
            rng.shuffle(&testIndices)
        }
        guard !trainIndices.isEmpty, !testIndices.isEmpty else {
            throw .tooFewSamples("a train ratio of \(trainFraction * 100)% of \(data.count) samples leaves "
                + (trainIndices.isEmpty ? "no training samples" : "no test samples"))
        }
        return DatasetSplit(train: data.subset(trainIndices), test: data.subset(testIndices))
    }

    /// Both parts standardised with the mean and standard deviation of the training part only,
    /// so nothing about the test data leaks into training.
    public func standardized() -> (split: DatasetSplit, standardizer: Standardizer) {
        let s = Standardizer(fitting: train)
        return (DatasetSplit(train: s.apply(to: train), test: s.apply(to: test)), s)
    }
}
