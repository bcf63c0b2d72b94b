import Foundation

/// This process's pid and host, recorded with a run so that a run whose process died can be
/// recognised.
public struct ProcessIdentity: Sendable, Equatable {
    public var pid: Int32
    public var host: String

    public init(pid: Int32, host: String) {
        self.pid = pid
        self.host = host
    }

    public static var current: ProcessIdentity {
        ProcessIdentity(pid: getpid(), host: ProcessInfo.processInfo.hostName)
    }

    /// Whether a process with `pid` exists on this host (signal 0 probes without sending).
    public static func isAlive(pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
