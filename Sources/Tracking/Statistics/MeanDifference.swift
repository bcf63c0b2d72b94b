/// The difference of two configurations' means over their seeds, with its confidence interval:
/// "is ReLU better than tanh at lr 0.1, and by how much?"
///
/// When both sides ran the same seeds once each, the runs are paired by seed (same data split,
/// same initial weights for the same shape, same minibatch order) and the interval is the paired
/// t interval of the per-seed differences — what `scipy.stats.ttest_rel` tests. Otherwise the two
/// samples are compared by Welch's t (unequal variances, Welch–Satterthwaite degrees of freedom),
/// as `scipy.stats.ttest_ind(equal_var=False)`.
public struct MeanDifference: Sendable, Equatable, Codable {
    public enum Method: String, Sendable, Codable {
        case paired
        case welch
    }

    public let method: Method
    public let a: MeanEstimate
    public let b: MeanEstimate
    /// mean(a) − mean(b) (for `paired`, also the mean of the per-seed differences).
    public let difference: Double
    public let standardError: Double
    public let degreesOfFreedom: Double
    public let level: Double
    /// The interval for the difference; nil when there is too little to estimate a spread.
    public let interval: ClosedRange<Double>?
    /// The t statistic and its two-sided p-value; nil with the interval.
    public let t: Double?
    public let p: Double?

    /// - Parameters:
    ///   - a, b: each side's values with the seed of each run (`nil` when the seed is unknown).
    public init(a: [(seed: Int64?, value: Double)], b: [(seed: Int64?, value: Double)], level: Double = MeanEstimate.defaultLevel) {
        self.a = MeanEstimate(a.map(\.value), level: level)
        self.b = MeanEstimate(b.map(\.value), level: level)
        self.level = level
        let seedsA = a.compactMap(\.seed), seedsB = b.compactMap(\.seed)
        let pairable = seedsA.count == a.count && seedsB.count == b.count && a.count > 1
            && Set(seedsA).count == a.count && Set(seedsA) == Set(seedsB) && b.count == a.count
        if pairable {
            method = .paired
            let byB = Dictionary(uniqueKeysWithValues: b.map { ($0.seed!, $0.value) })
            let d = MeanEstimate(a.map { $0.value - byB[$0.seed!]! }, level: level)
            difference = d.mean
            standardError = d.std / Double(d.count).squareRoot()
            degreesOfFreedom = Double(d.count - 1)
        } else {
            method = .welch
            difference = self.a.mean - self.b.mean
            let va = self.a.count > 1 ? self.a.std * self.a.std / Double(self.a.count) : .nan
            let vb = self.b.count > 1 ? self.b.std * self.b.std / Double(self.b.count) : .nan
            standardError = (va + vb).squareRoot()
            degreesOfFreedom = (va + vb) * (va + vb)
                / (va * va / Double(self.a.count - 1) + vb * vb / Double(self.b.count - 1))
        }
        if standardError.isFinite && degreesOfFreedom.isFinite && degreesOfFreedom > 0 {
            let dist = StudentT(degreesOfFreedom: degreesOfFreedom)
            let half = dist.critical(level: level) * standardError
            interval = (difference - half)...(difference + half)
            if standardError > 0 {
                t = difference / standardError
                p = dist.twoSidedP(difference / standardError)
            } else {
                (t, p) = (nil, nil)
            }
        } else {
            (interval, t, p) = (nil, nil, nil)
        }
    }
}
