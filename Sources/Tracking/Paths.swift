import Foundation

/// Path arithmetic on the text a user typed, without Foundation's path methods:
/// `NSString.deletingLastPathComponent` traps on some one-character strings (`"a"`, `"."`, `" "`)
/// in swift-corelibs-foundation, so `--db a` or `-o x` crashed the process, and
/// `URL(fileURLWithPath:)` reads a leading `~` as the home folder, which the shell left alone
/// because the user quoted it.
public enum Paths {
    /// The folder that holds (or would hold) `path`, as written: `.` for a bare name, `/` for a
    /// file at the root.
    public static func folder(of path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    /// The last part of `path`: the file's own name.
    public static func name(of path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// `path` with its folder's links, `.` and `..` resolved (the folder must exist), for telling
    /// whether two spellings name one place; `nil` when the folder cannot be resolved.
    public static func resolved(_ path: String) -> String? {
        guard let folder = realpath(folder(of: path), nil) else { return nil }
        defer { free(folder) }
        let base = String(cString: folder)
        return (base == "/" ? "" : base) + "/" + name(of: path)
    }

    /// Whether `path` is a folder, as the kernel reads the path (links followed).
    public static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// Whether something is at `path`, as the kernel reads the path (links followed).
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Whether this process may write at `path` (for a folder: create files in it).
    public static func isWritable(_ path: String) -> Bool {
        access(path, W_OK) == 0
    }

    /// The size in bytes of the file at `path`, or 0 when there is none.
    public static func size(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }
}
