/// How a pivot or a report turns each run's curve into one number.
public enum Aggregate: String, Sendable, CaseIterable {
    /// The metric at the run's selected epoch (``Selection``): chosen on validation data when the
    /// run has some, else the metric's own best over epochs.
    case best
    /// The last epoch's value.
    case final
    /// The mean over epochs (the area under the curve: a "trained fastest" measure).
    case mean
    /// The median over epochs.
    case median

    /// The term that computes it for `metric`.
    public func term(_ metric: String) -> Term {
        Term(name: metric, function: self == .best ? "selected" : rawValue)
    }

    /// `best, final, mean or median`, for help texts and errors.
    public static let choices = allCases.dropLast().map(\.rawValue).joined(separator: ", ") + " or " + allCases.last!.rawValue
}
