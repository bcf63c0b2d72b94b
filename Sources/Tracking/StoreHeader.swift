import Foundation

/// What the first 100 bytes of an SQLite file say, read without SQLite.
enum StoreHeader {
    /// SQLite's application id of a Gradbook store, "GRBK" (migrations/0011_application_id.sql).
    static let applicationID: UInt32 = 0x4752_424B

    /// Whether the file at `path` is an SQLite database whose header names it a Gradbook store.
    /// The header in the main file may lag its write-ahead log (a store migrated but not yet
    /// checkpointed): such a file reads as unmarked, which is only slower, never less safe.
    static func isGradbookStore(_ path: String) -> Bool {
        let file = open(path, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return false }
        defer { close(file) }
        var header = [UInt8](repeating: 0, count: 100)
        guard pread(file, &header, header.count, 0) == header.count,
              header.starts(with: Array("SQLite format 3\0".utf8)) else { return false }
        return header[68..<72].reduce(0) { $0 << 8 | UInt32($1) } == applicationID
    }
}
