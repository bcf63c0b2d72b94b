public import Foundation
/// Where a run's record goes while it trains: what a runner writes through. ``RunStore`` is one;
/// another store (a remote tracker, memory in a test) or another trainer can stand on either
/// side of it.
///
/// Calls for one run come in order: ``startRun(_:identity:)``, then its writes (epochs,
/// snapshots, alerts, a checkpoint) and beats, then the write that finishes it.
public protocol RunRecorder: Sendable {
    /// Opens a run as `running` with its hyperparameters and tags; returns its id.
    func startRun(_ new: NewRun, identity: ProcessIdentity) throws(StoreError) -> Int64
    /// Records `writes` for `run`, in order, all or none: a reader sees every one of them or
    /// none (``RunStore`` writes them in one transaction). A writer that fell behind hands over
    /// what waited; a run's opening and closing writes go together.
    func record(run: Int64, _ writes: [RunWrite]) throws(StoreError)
    /// Marks the run alive now.
    func beat(run: Int64) throws(StoreError)
}

extension RunRecorder {
    /// Records one epoch whole (metrics, layer health, alerts, a snapshot) or not at all.
    public func recordEpoch(run: Int64, _ epoch: EpochRecord) throws(StoreError) { try record(run: run, [.epoch(epoch)]) }

    /// Records epochs in order, all or none.
    public func recordEpochs(run: Int64, _ epochs: [EpochRecord]) throws(StoreError) { try record(run: run, epochs.map(RunWrite.epoch)) }

    /// Records a snapshot taken outside an epoch.
    public func recordSnapshot(run: Int64, _ snapshot: SnapshotRecord) throws(StoreError) { try record(run: run, [.snapshot(snapshot)]) }

    /// Records alerts outside an epoch.
    public func recordAlerts(run: Int64, epoch: Int, _ alerts: [AlertRecord]) throws(StoreError) {
        try record(run: run, [.alerts(epoch: epoch, alerts)])
    }

    /// Keeps the run's checkpoint after `epoch` (replacing the one before).
    public func recordCheckpoint(run: Int64, epoch: Int, state: Data) throws(StoreError) {
        try record(run: run, [.checkpoint(epoch: epoch, state: state)])
    }

    /// Records a classifier's confusion matrices at its selected epoch, replacing any before.
    public func recordConfusion(run: Int64, _ confusion: ConfusionRecord) throws(StoreError) { try record(run: run, [.confusion(confusion)]) }

    /// Closes the run with its final status, for failures the error, and for a run that ended
    /// early without failing (early stopping) why.
    public func finishRun(run: Int64, status: RunStatus, error: String? = nil, stopReason: String? = nil) throws(StoreError) {
        try record(run: run, [.finish(status: status, error: error, stopReason: stopReason)])
    }

    /// Opens a run for this process.
    public func startRun(_ new: NewRun) throws(StoreError) -> Int64 { try startRun(new, identity: .current) }
}

/// What a sweep runner needs beyond recording runs: the sweep's configurations and where they stand.
public protocol SweepRecorder: RunRecorder {
    /// For each configuration index of the sweep, the statuses of its runs.
    func sweepRunStatuses(sweep: Int64) throws(StoreError) -> [Int: [RunStatus]]
    /// Sets the sweep's status.
    func setSweepStatus(_ sweep: Int64, _ status: SweepStatus) throws(StoreError)
    /// Claims configuration `new.sweepIndex` of sweep `new.sweepID` and opens its run, in one
    /// transaction; `nil` when it is taken: finished or diverged, training in a live process,
    /// or failed (unless `retryFailed`). A `running` run whose process died is marked `crashed`
    /// and its configuration taken over.
    func claimConfiguration(_ new: NewRun, retryFailed: Bool, identity: ProcessIdentity) throws(StoreError) -> Int64?
    /// Claims several configurations as ``claimConfiguration(_:retryFailed:identity:)`` does, in
    /// one transaction: a sweep's group waits for the store's writer (busy with the other
    /// groups' epochs) once, not once per member. Each configuration's run, or `nil`.
    func claimConfigurations(_ news: [NewRun], retryFailed: Bool, identity: ProcessIdentity) throws(StoreError) -> [Int64?]
    /// Opens again, to continue from its checkpoint, the latest interrupted or crashed run of a
    /// configuration that has one; `nil` when there is none.
    func resumeConfiguration(sweep: Int64, index: Int, identity: ProcessIdentity) throws(StoreError) -> (run: Int64, epoch: Int, state: Data)?
    /// A run's epochs in order (a resumed run goes on from them).
    func epochs(run: Int64) throws(StoreError) -> [EpochRecord]
    /// Records that this store runs `slice` of the sweep (one store, one slice).
    func claimSlice(_ slice: SweepSlice, of sweep: StoredSweep) throws(StoreError)
}
