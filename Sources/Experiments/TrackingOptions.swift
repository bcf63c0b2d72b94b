/// What a run records beyond its metrics: the alert thresholds, the weight snapshots, and
/// whether exploding gradients stop it.
public struct TrackingOptions: Sendable, Hashable, Codable {
    public var thresholds: HealthThresholds
    /// Keep a snapshot every N epochs too (0: only the initial, best and final ones).
    public var snapshotEvery: Int
    /// Keep snapshots at all.
    public var snapshots: Bool
    /// End the run (as `diverged`) at the first `exploding` alert.
    public var stopOnExploding: Bool

    public init(thresholds: HealthThresholds, snapshotEvery: Int, snapshots: Bool, stopOnExploding: Bool) {
        self.thresholds = thresholds
        self.snapshotEvery = snapshotEvery
        self.snapshots = snapshots
        self.stopOnExploding = stopOnExploding
    }
}
