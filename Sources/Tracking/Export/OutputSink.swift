public import Foundation

/// Where exported text goes: standard output, a file, or memory (tests), through a 64 KiB
/// buffer so that a million small rows cost a few hundred writes.
///
/// A regular file is written to a temporary file beside it, then flushed to disk and renamed
/// into place by ``finish()``: a crash, a kill -9 or an error leaves the old file (or none), never
/// half of the new one. A FIFO or a device is written in place.
public final class OutputSink {
    private let handle: FileHandle?
    /// The temporary file and the place it is renamed to, for a regular file.
    private let replacing: (temporary: String, final: String)?
    private var finished = false
    private var buffer: [UInt8] = []
    private let limit = 1 << 16
    /// What was written, for a sink made with ``memory()``.
    public private(set) var captured: [UInt8] = []

    private init(handle: FileHandle?, replacing: (String, String)? = nil) {
        self.handle = handle
        self.replacing = replacing
        buffer.reserveCapacity(limit)
    }

    /// Standard output.
    public static func standardOutput() -> OutputSink { OutputSink(handle: FileHandle.standardOutput) }

    /// The output `path` names (`-` for standard output), checked by ``OutputTarget`` against
    /// the store at `store`.
    public static func file(_ path: String, protecting store: String?) throws(OutputError) -> OutputSink {
        switch try OutputTarget.check(path, protecting: store) {
        case .standardOutput: return standardOutput()
        case .special(let path):
            guard let handle = FileHandle(forWritingAtPath: path) else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
            return OutputSink(handle: handle)
        case .file(let path):
            let url = URL(fileURLWithPath: path)
            let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
            guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
                throw .cannotWrite(path: path, reason: "cannot create a file in its folder (\(String(cString: strerror(errno))))")
            }
            return OutputSink(handle: handle, replacing: (temporary, path))
        }
    }

    /// Writes `data` to `path` as ``file(_:protecting:)`` would, in one go.
    public static func write(_ data: Data, to path: String, protecting store: String?) throws {
        let sink = try file(path, protecting: store)
        try sink.write(data)
        try sink.finish()
    }

    /// Memory; read it back from ``text``.
    public static func memory() -> OutputSink { OutputSink(handle: nil) }

    public var text: String { String(decoding: captured, as: UTF8.self) }

    public func write(_ s: String) throws {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= limit { try flush() }
    }

    public func write(_ data: Data) throws {
        buffer.append(contentsOf: data)
        if buffer.count >= limit { try flush() }
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        if let handle { try handle.write(contentsOf: buffer) } else { captured += buffer }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Ends the output: flushes it and, for a regular file, puts it in place.
    public func finish() throws {
        try flush()
        finished = true
        guard let replacing, let handle else { return }
        try handle.synchronize()
        try handle.close()
        guard rename(replacing.temporary, replacing.final) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: replacing.temporary)
            throw OutputError.cannotWrite(path: replacing.final, reason: reason)
        }
    }

    deinit {
        if let replacing, !finished {
            // Not finished: an error stopped the output; the old file stays as it was.
            try? handle?.close()
            try? FileManager.default.removeItem(atPath: replacing.temporary)
        } else if !finished {
            try? flush()
        }
    }
}
