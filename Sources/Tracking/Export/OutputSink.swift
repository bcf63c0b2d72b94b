import Foundation

/// Where exported text goes: standard output, a file, or memory (tests), through a 64 KiB
/// buffer so that a million small rows cost a few hundred writes.
public final class OutputSink {
    private let handle: FileHandle?
    private var buffer: [UInt8] = []
    private let limit = 1 << 16
    /// What was written, for a sink made with ``memory()``.
    public private(set) var captured: [UInt8] = []

    private init(handle: FileHandle?) {
        self.handle = handle
        buffer.reserveCapacity(limit)
    }

    /// Standard output.
    public static func standardOutput() -> OutputSink { OutputSink(handle: FileHandle.standardOutput) }

    /// A file, created or truncated.
    public static func file(_ path: String) throws -> OutputSink {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        return OutputSink(handle: handle)
    }

    /// Memory; read it back from ``text``.
    public static func memory() -> OutputSink { OutputSink(handle: nil) }

    public var text: String { String(decoding: captured, as: UTF8.self) }

    public func write(_ s: String) throws {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= limit { try flush() }
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        if let handle { try handle.write(contentsOf: buffer) } else { captured += buffer }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { try? flush() }
}
