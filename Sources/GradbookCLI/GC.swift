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
        // VACUUM rewrites the whole file under one lock: the training runs' writes would wait for it.
        let live = try db.liveRuns(among: db.select(RunSelection(statuses: [.running, .crashed])))
        guard live.isEmpty else {
            throw ValidationError("\(live.count) run\(live.count == 1 ? " is" : "s are") training (run \(live.map(String.init).joined(separator: ", "))); "
                                  + "gc rewrites the whole file and would hold their writes up: run it when none is training")
        }
        let result = try db.vacuum()
        Console.out("\(db.path): \(result.bytesBefore) bytes before, \(result.bytesAfter) bytes after")
    }
}
