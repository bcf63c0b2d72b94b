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

    /// Whether ``finish()`` closes the handle: a file this sink opened, not standard output.
    private let opened: Bool

    /// The output as errors name it.
    private let name: String

    private init(handle: FileHandle?, name: String, replacing: (String, String)? = nil, opened: Bool = false) {
        self.handle = handle
        self.name = name
        self.replacing = replacing
        self.opened = opened || replacing != nil
        buffer.reserveCapacity(limit)
    }

    /// Standard output.
    public static func standardOutput() -> OutputSink { OutputSink(handle: FileHandle.standardOutput, name: "standard output") }

    /// The output `path` names (`-` for standard output), checked by ``OutputTarget`` against
    /// the store at `store`.
    public static func file(_ path: String, protecting store: String?) throws(OutputError) -> OutputSink {
        switch try OutputTarget.check(path, protecting: store) {
        case .standardOutput: return standardOutput()
        case .special(let path):
            // The kernel's reading of the path, not Foundation's (which rewrites `a//../b`).
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            return OutputSink(handle: handle, name: path, opened: true)
        case .file(let path):
            let temporary = Paths.folder(of: path) + "/." + Paths.name(of: path) + ".partial-\(getpid())"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw .cannotWrite(path: path, reason: "cannot create a file in its folder (\(String(cString: strerror(errno))))")
            }
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            return OutputSink(handle: handle, name: path, replacing: (temporary, path))
        }
    }

    /// Writes `data` to `path` as ``file(_:protecting:)`` would, in one go.
    public static func write(_ data: Data, to path: String, protecting store: String?) throws {
        let sink = try file(path, protecting: store)
        try sink.write(data)
        try sink.finish()
    }

    /// Memory; read it back from ``text``.
    public static func memory() -> OutputSink { OutputSink(handle: nil, name: "memory") }

    public var text: String { String(decoding: captured, as: UTF8.self) }

    public func write(_ s: String) throws {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= limit { try flush() }
    }

    /// Writes bytes (a ``RowEncoder``'s piece).
    func write(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= limit { try flush() }
    }

    public func write(_ data: Data) throws {
        buffer.append(contentsOf: data)
        if buffer.count >= limit { try flush() }
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        if let handle { try written { try handle.write(contentsOf: buffer) } } else { captured += buffer }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Runs a write to the handle, its failure (a full disk, a closed pipe) named for the user.
    private func written(_ body: () throws -> Void) throws(OutputError) {
        do { try body() } catch {
            let ns = error as NSError
            let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError
            let code = underlying?.domain == NSPOSIXErrorDomain ? Int32(underlying!.code) : ns.domain == NSPOSIXErrorDomain ? Int32(ns.code) : nil
            let reason = code == ENOSPC ? "the disk is full; free space and run the command again"
                : code.map { String(cString: strerror($0)) } ?? ns.localizedDescription
            throw .cannotWrite(path: name, reason: reason + (replacing == nil ? "" : " (the file was left as it was)"))
        }
    }

    /// Ends the output: flushes it and, for a regular file, puts it in place.
    public func finish() throws {
        try flush()
        guard let replacing, let handle else {
            finished = true
            if opened { try written { try handle?.close() } }
            return
        }
        // On a failure here the temporary file goes in `deinit`, the old file stays.
        try written {
            try handle.synchronize()
            try handle.close()
        }
        finished = true
        guard rename(replacing.temporary, replacing.final) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(replacing.temporary)
            throw OutputError.cannotWrite(path: replacing.final, reason: reason)
        }
    }

    deinit {
        if let replacing, !finished {
            // Not finished: an error stopped the output; the old file stays as it was.
            try? handle?.close()
            unlink(replacing.temporary)
        } else if !finished {
            try? flush()
        }
    }
}
