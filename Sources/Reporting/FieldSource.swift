/// Where a report gets what a run's network computes over the plane: the command line reads it
/// from the run's snapshots and data (Reporting itself knows neither networks nor data sets).
public protocol FieldSource {
    /// `run`'s fields at up to `frames` of its snapshot epochs, evenly spread and oldest first,
    /// the first and the last among them (one frame: the last snapshot), on a `resolution` grid.
    /// Empty when the run cannot be drawn over a plane (not two input columns, several outputs).
    func fields(run: Int64, frames: Int, resolution: Int) throws -> [DecisionField]
}

/// Where a report gets what a run's hidden layers output on its own training data at one of its
/// snapshots (the command line computes it; Reporting knows neither networks nor data sets).
public protocol ActivationSource {
    /// Per hidden layer, its units' outputs on the first `examples` training examples (row by
    /// row, `examples × units`), with the weights of the snapshot of `epoch`.
    func hiddenOutputs(run: Int64, epoch: Int, examples: Int) throws -> [[Float]]
}
