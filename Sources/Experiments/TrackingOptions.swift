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

    /// The frames a run on two input columns keeps by default (`snapshotEvery` 0), so that its
    /// decision boundary can be played through training: about this many, evenly spaced.
    public static let frames = 50
    /// The largest network (in parameters) that keeps them: a Playground-sized net's frames
    /// are a few kilobytes; a wide one's would be megabytes.
    public static let frameLimit = 10_000

    /// Epochs between periodic snapshots: `snapshotEvery`, or when that is 0, ``frames`` frames
    /// for a small network on two input columns (`planar`), else none (0).
    public func snapshotInterval(epochs: Int, planar: Bool, parameters: Int) -> Int {
        if snapshotEvery > 0 || !planar || parameters > Self.frameLimit { return snapshotEvery }
        return max(1, (epochs + Self.frames - 1) / Self.frames)
    }

    public init(thresholds: HealthThresholds, snapshotEvery: Int, snapshots: Bool, stopOnExploding: Bool) {
        self.thresholds = thresholds
        self.snapshotEvery = snapshotEvery
        self.snapshots = snapshots
        self.stopOnExploding = stopOnExploding
    }
}
