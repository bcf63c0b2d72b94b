import ArgumentParser
import Tracking

/// `gradbook note RUN TEXT`: adds a note to a run, or lists its notes.
struct Note: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "Add a note to a run, or list its notes.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The run: its id, uuid prefix or name.")
    var runID: String

    @Argument(help: "The note. (default: list the run's notes)")
    var text: String?

    mutating func run() throws {
        let db = try store.open()
        defer { try? db.close() }
        let run = try db.run(runID)
        if let text { try db.addNote(run: run.id, text) }
        for note in try db.notes(run: run.id) { Console.out("\(note.createdAt)  \(note.text)") }
    }
}
