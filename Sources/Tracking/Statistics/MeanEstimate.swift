import Foundation

/// The mean of a handful of values (a configuration's runs over seeds) with its uncertainty: the
/// sample standard deviation, n, and a Student's t confidence interval for the mean.
///
/// With one value the spread is unknown: `std` is 0 and the interval is `nil`, never a
/// zero-width interval that would look certain.
public struct MeanEstimate: Sendable, Equatable, Codable {
    public let count: Int
    public let mean: Double
    /// Sample standard deviation (n − 1); 0 for one value.
    public let std: Double
    /// The interval's confidence level (0.95).
    public let level: Double
    /// The confidence interval for the mean, `mean ± t(1 − α/2, n − 1) · std / √n`; nil below two values.
    public let interval: ClosedRange<Double>?

    /// The level every printed interval uses.
    public static let defaultLevel = 0.95

    public init(_ values: [Double], level: Double = MeanEstimate.defaultLevel) {
        count = values.count
        self.level = level
        let mean = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        self.mean = mean
        guard values.count > 1 else { std = 0; interval = nil; return }
        let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
        self.std = std
        let half = StudentT(degreesOfFreedom: Double(values.count - 1)).critical(level: level) * std / Double(values.count).squareRoot()
        interval = (mean - half)...(mean + half)
    }

    /// `0.1652 ±0.012 (3) [0.135, 0.195]`: mean, std, n and the interval; the mean alone for one value.
    public var summary: String {
        guard count > 0 else { return "-" }
        guard let interval else { return String(format: "%.4g", mean) }
        return String(format: "%.4g ±%.2g (%d) [%.3g, %.3g]", mean, std, count, interval.lowerBound, interval.upperBound)
    }

    /// The words under a table of such cells.
    public static let legend = "mean ±std (runs) [95% confidence interval of the mean, Student's t]"
}
