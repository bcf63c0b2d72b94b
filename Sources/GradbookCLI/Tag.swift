import ArgumentParser
import Tracking

/// `gradbook tag RUN KEY=VALUE…`: sets, removes or lists a run's tags.
struct Tag: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Set tags on a run (KEY=VALUE, or KEY alone), remove them (--remove KEY), or list them.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The run: its id, uuid prefix or name.")
    var runID: String

    @Argument(help: "Tags to set: KEY=VALUE, or KEY for a tag without value.")
    var tags: [String] = []

    @Option(help: "A tag to remove; repeatable.")
    var remove: [String] = []

    func validate() throws {
        for tag in tags where tag.hasPrefix("=") || tag.isEmpty {
            throw ValidationError("invalid tag '\(tag)': expected KEY=VALUE or KEY")
        }
    }

    mutating func run() throws {
        let db = try store.open()
        defer { try? db.close() }
        let run = try db.run(runID)
        let set = Dictionary(tags.map { tag -> (String, String) in
            let parts = tag.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }, uniquingKeysWith: { _, b in b })
        if !set.isEmpty || !remove.isEmpty { try db.tag(run: run.id, set: set, remove: remove) }
        for (key, value) in try db.tags(run: run.id).sorted(by: { $0.key < $1.key }) {
            Console.out(value.isEmpty ? key : "\(key)=\(value)")
        }
    }
}
