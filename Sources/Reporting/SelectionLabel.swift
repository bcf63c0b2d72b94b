public import Tracking

/// The words that say what a value at a run's selected epoch is and what selected the epoch,
/// so that a sweep table, a pivot and a report never show a number chosen on test data without
/// saying so.
public enum SelectionLabel {
    /// "Per run, test_loss at its best val_loss epoch (selected on the validation split)"; without
    /// validation data, the best value over epochs, said to be selected on test data when the
    /// metric is a test metric.
    /// - Parameter on: for each run, the metric that selected its epoch (`selected_on(M)`).
    public static func text(metric: Metric, on: [String]) -> String {
        let byValidation = on.filter { $0 != metric.name }
        let best = "the best \(metric.name) over epochs"
            + (metric.onValidation == nil ? "" : " (selected on test data: no validation split, see --validation-ratio)")
        guard let counterpart = byValidation.first else { return "Per run, \(best)" }
        let text = "\(metric.name) at its best \(counterpart) epoch (selected on the validation split)"
        return byValidation.count == on.count ? "Per run, \(text)"
            : "Per run with validation data (\(byValidation.count)), \(text); for the \(on.count - byValidation.count) without, \(best)"
    }
}
