import ArgumentParser
import Foundation
import Tracking

/// `gradbook runs`: lists the selected runs, one row each.
struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List runs; filter, sort and choose columns.",
        discussion: """
            A run whose process died (kill -9, power loss) shows as 'crashed'. Examples:
              gradbook runs --where "activation = 'relu' and lr < 0.1 and test_loss < 0.2" --sort test_loss
              gradbook runs --sweep act-vs-lr --columns "activation, lr, best(test_loss), at(test_loss, 50)" --format csv
              gradbook runs --where "alert.dead_relu > 0"
            """)

    static let defaultColumns = "id, name, sweep, status, epochs_done, activation, lr, train_loss, test_loss, selected(test_loss), alerts, created"

    @OptionGroup var store: StoreOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("The columns: names or functions as in --where, comma-separated. (default: \(Self.defaultColumns))",
                               valueName: "terms"))
    var columns: String?

    mutating func run() throws {
        let db = try store.open(.read)
        defer { try? db.close() }
        var terms = try Self.terms(columns ?? Self.defaultColumns)
        let defaults = terms.count
        // The sort key is shown too, when it is not a column already.
        if let sort = selection.sort, let key = try? FilterParser.sortKey(sort).term, !terms.contains(key) { terms.append(key) }
        // No match is an answer here, not an error: the header alone (valid CSV), a word on stderr.
        let ids = try db.select(selection.selection)
        if ids.isEmpty { Console.error("no run matches the selection") }
        // The default columns name hyperparameters a new store may not hold yet: empty then.
        let table = try db.table(runs: ids, columns: terms, unknownAsNull: columns == nil && terms.count == defaults)
        try output.writer(default: .table, protecting: db).write(table)
    }

    /// Terms as `--columns` (or `option`) gives them, errors labelled with the option.
    static func terms(_ text: String, option: String = "--columns") throws -> [Term] {
        do { return try FilterParser.terms(text) } catch {
            var e = error
            e.option = option
            throw StoreError.invalidQuery(e)
        }
    }
}
