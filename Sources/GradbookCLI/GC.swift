import ArgumentParser
import Tracking

/// `gradbook gc`: gives the space of deleted runs back to the file system.
struct GC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Compact the database (SQLite VACUUM) and empty its write-ahead log.",
        discussion: "Needs free disk space about the size of the database, and waits for other writers.")

    @OptionGroup var store: StoreOptions

    mutating func run() throws {
        let db = try store.open()
        defer { try? db.close() }
        let result = try db.vacuum()
        print("\(db.path): \(result.bytesBefore) bytes before, \(result.bytesAfter) bytes after")
    }
}
