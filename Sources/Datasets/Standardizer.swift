/// Per-feature standardisation `(x − mean) / std`, fitted on one data set and applied to others.
public struct Standardizer: Sendable, Equatable, Codable {
    public let means: [Float]
    /// Standard deviations (population); a constant feature gets 1 so it maps to 0.
    public let deviations: [Float]

    /// Fits means and standard deviations on `data`, accumulating in `Double`.
    public init(fitting data: Dataset) {
        let d = data.featureCount, n = data.count
        var sum = [Double](repeating: 0, count: d), sumSq = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d {
                let v = Double(data.features[i * d + j])
                sum[j] += v
                sumSq[j] += v * v
            }
        }
        let count = Double(max(n, 1))
        means = sum.map { Float($0 / count) }
        deviations = (0..<d).map { j in
            let mean = sum[j] / count
            let variance = max(0, sumSq[j] / count - mean * mean)
            return variance > 1e-12 ? Float(variance.squareRoot()) : 1
        }
    }

    /// `data` with every feature standardised.
    public func apply(to data: Dataset) -> Dataset {
        var out = data
        let d = data.featureCount
        for i in 0..<out.features.count {
            let j = i % d
            out.features[i] = (out.features[i] - means[j]) / deviations[j]
        }
        return out
    }
}
