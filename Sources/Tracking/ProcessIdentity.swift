import Foundation

/// A process as a run records it: its pid and host, and a mark of when it started, so that a
/// run whose process died can be told from one whose process is alive, on this host, whatever
/// the clocks say.
public struct ProcessIdentity: Sendable, Equatable {
    public var pid: Int32
    public var host: String
    /// `BOOT_ID:TICKS`: the boot the process belongs to and its start in clock ticks since
    /// boot (Linux's `/proc/PID/stat`); `nil` where that cannot be read.
    public var start: String?

    public init(pid: Int32, host: String, start: String? = nil) {
        self.pid = pid
        self.host = host
        self.start = start
    }

    /// This process, read once: its pid, host and start never change while it runs.
    public static let current = ProcessIdentity(pid: getpid(), host: ProcessInfo.processInfo.hostName, start: startMark(of: getpid()))

    /// Whether the process that recorded `pid` (and `start`, when known) on this host still
    /// runs: a pid given to a later process has another start mark.
    public static func isAlive(pid: Int32, start: String?) -> Bool {
        if let start, let now = startMark(of: pid) { return now == start }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// The start mark of process `pid`, if it runs and Linux tells.
    public static func startMark(of pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let boot = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name (which may hold spaces and parentheses) start at field 3;
        // the start time is field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19 else { return nil }
        return boot.trimmingCharacters(in: .whitespacesAndNewlines) + ":" + fields[19]
    }
}
