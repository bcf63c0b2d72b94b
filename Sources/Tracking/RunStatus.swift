public import GRDB

/// Where a run is in its life.
public enum RunStatus: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    /// Training, with a live process beating its heartbeat.
    case running
    /// Every planned epoch ran.
    case finished
    /// An error ended it; the run's `error` says which.
    case failed
    /// The loss, a gradient or a weight became NaN or infinite.
    case diverged
    /// Stopped by SIGINT or SIGTERM; its epochs so far are whole.
    case interrupted
    /// Its process vanished (kill -9, power loss) without closing it.
    case crashed
}
