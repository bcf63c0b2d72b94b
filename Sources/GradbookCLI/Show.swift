import ArgumentParser
import Foundation
import Reporting
import Tracking

/// `gradbook show RUN`: everything about one run on one screen.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a run: configuration, status, metrics, alerts, layer health, snapshots and its loss curves.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The run: its id, uuid prefix or name.")
    var runID: String

    @OptionGroup var format: ResultFormat

    mutating func run() throws {
        let db = try store.open(.read)
        defer { try? db.close() }
        let report = RunReport(store: db, run: try db.run(runID))
        if format.isJSON { print(try report.json().text()) } else { Console.out(try report.text()) }
    }
}

