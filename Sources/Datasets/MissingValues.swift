import Foundation

/// What to do with a CSV cell that holds no value: empty, or one of ``tokens`` (pandas's
/// `NA` spellings and UCI's `?`).
public enum MissingValues: String, Sendable, Codable, CaseIterable {
    /// Stop at the first one, naming its line and column (the default).
    case error
    /// Leave out every row with a missing input or label.
    case drop
    /// Fill a missing input with its column's mean over the training part (stored with the run,
    /// so `predict` and `eval` fill the same way); rows with a missing label are left out.
    case mean

    /// Cells that mean "no value", compared after trimming spaces.
    public static let tokens: Set<String> = ["", "NA", "N/A", "n/a", "na", "NaN", "nan", "NAN", "NULL", "null", "Null", "None", "none",
                                             "?", "#N/A", "#NA", "<NA>", "-NaN", "-nan"]

    public static func isMissing(_ cell: String) -> Bool { tokens.contains(cell.trimmingCharacters(in: .whitespaces)) }

    /// Per column, the mean of the values present (`NaN` marks a missing one); 0 for a column
    /// with none.
    public static func means(of data: Dataset) -> [Float] {
        let d = data.featureCount
        var sum = [Double](repeating: 0, count: d), count = [Int](repeating: 0, count: d)
        for (i, v) in data.features.enumerated() where !v.isNaN {
            sum[i % d] += Double(v)
            count[i % d] += 1
        }
        return (0..<d).map { count[$0] == 0 ? 0 : Float(sum[$0] / Double(count[$0])) }
    }

    /// `data` with every missing value (`NaN`) replaced by its column's entry of `fill`.
    public static func filled(_ data: Dataset, with fill: [Float]) -> Dataset {
        var out = data
        let d = data.featureCount
        for i in out.features.indices where out.features[i].isNaN { out.features[i] = fill[i % d] }
        return out
    }
}
