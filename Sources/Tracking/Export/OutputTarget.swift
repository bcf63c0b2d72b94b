import Foundation

/// Where a command writes a file, checked before a byte is written: never the store it reads
/// (nor its `-wal` or `-shm`, however the path is spelled or linked), never a folder, never
/// another SQLite database. A regular file is written whole beside its place and renamed into
/// it, so a crash leaves the old file or the new one; a FIFO or a device is written in place;
/// `-` is standard output.
public enum OutputTarget: Sendable, Equatable {
    case standardOutput
    /// A regular file, new or replaced.
    case file(String)
    /// A FIFO, a character device or a socket, written in place.
    case special(String)

    /// What `--help` says of `-o`.
    public static let help = "replaced whole (written beside it, then renamed) when it exists; never the store, its -wal/-shm, "
        + "a folder or another SQLite database; '-' is standard output; a FIFO or a device is written in place"

    /// Checks `path` as an output of a command that reads the store at `store`.
    /// - Parameter databases: whether an SQLite database may be replaced (a copy of the store).
    public static func check(_ path: String, protecting store: String?, databases: Bool = false) throws(OutputError) -> OutputTarget {
        guard path != "-" else { return .standardOutput }
        guard !path.isEmpty else { throw .cannotWrite(path: path, reason: "the path is empty") }
        guard !path.contains("\u{0}") else { throw .cannotWrite(path: path, reason: "the path holds a NUL byte") }
        if let store, protects(store, from: path) { throw .isStore(path: path, store: store) }
        var info = stat()
        guard stat(path, &info) == 0 else {
            let folder = Paths.folder(of: path)
            guard Paths.isFolder(folder) else {
                throw .cannotWrite(path: path, reason: "its folder '\(folder)' does not exist")
            }
            return .file(path)
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: throw .isFolder(path: path)
        case S_IFREG:
            if !databases, isSQLite(path) { throw .isDatabase(path: path) }
            return .file(path)
        default: return .special(path)
        }
    }

    /// Whether writing `output` could touch the store's files: the same file by device and inode,
    /// or, for a file not there yet, the same place once links are followed.
    static func protects(_ store: String, from output: String) -> Bool {
        let storeFiles = [store, store + "-wal", store + "-shm", store + "-journal"]
        if let target = FileIdentity(path: output), storeFiles.contains(where: { FileIdentity(path: $0) == target }) { return true }
        guard let place = Paths.resolved(output) else { return false }
        return storeFiles.contains { Paths.resolved($0) == place }
    }

    /// Whether the file starts with SQLite's header.
    private static func isSQLite(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 16)) == Data("SQLite format 3\u{0}".utf8)
    }
}

/// Why an output could not be written; the file named is left as it was.
public enum OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    case isStore(path: String, store: String)
    case isFolder(path: String)
    case notAFolder(path: String)
    case isDatabase(path: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .isStore(path, store):
            "'\(path)' is the database being read ('\(store)') or one of its files: writing there would destroy it; choose another file"
        case let .isFolder(path):
            "'\(path)' is a folder: expected a file to write (e.g. '\(path.hasSuffix("/") ? path : path + "/")out.csv')"
        case let .notAFolder(path):
            "'\(path)' is a file: expected a folder to write into (it is created when missing)"
        case let .isDatabase(path):
            "'\(path)' is an SQLite database: refusing to write over it; choose another file"
        case let .cannotWrite(path, reason):
            "cannot write '\(path)': \(reason)"
        }
    }
}
