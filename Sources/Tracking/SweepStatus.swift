public import GRDB

/// Where a sweep is: stored and not yet started, running, or ended one way or another.
public enum SweepStatus: String, Sendable, Hashable, Codable, CaseIterable, DatabaseValueConvertible {
    case pending, running, finished, interrupted, failed
}
