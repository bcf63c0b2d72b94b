public import Foundation

/// One of the writes a run makes while it trains, as ``RunRecorder/record(run:_:)`` takes them:
/// the writes that wait together in a run's background writer reach the store as one list, in
/// one transaction.
public enum RunWrite: Sendable {
    /// An epoch, whole: metrics, layer health, alerts, a snapshot.
    case epoch(EpochRecord)
    /// A snapshot taken outside an epoch (the initial weights, the final ones of a run that
    /// stopped early, a best held back).
    case snapshot(SnapshotRecord)
    /// Alerts outside an epoch (the `nan` alert of a run that diverged).
    case alerts(epoch: Int, [AlertRecord])
    /// The run's checkpoint after `epoch`, replacing the one before.
    case checkpoint(epoch: Int, state: Data)
    /// A classifier's confusion matrices at its selected epoch, replacing any before.
    case confusion(ConfusionRecord)
    /// What turned the run's raw data into its inputs (JSON), so that its snapshots can be
    /// applied to new data.
    case inputTransform(json: String)
    /// The run's final status, for failures the error, and for a run that ended early without
    /// failing (early stopping) why.
    case finish(status: RunStatus, error: String?, stopReason: String?)
}
