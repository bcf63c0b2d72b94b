import ArgumentParser
import Foundation
import Tracking

/// `gradbook runs`: lists the runs in the store, newest first.
struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the runs in the store.",
        discussion: "A run whose process died (kill -9, power loss) shows as 'crashed'.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Output format: table or csv.")
    var format: Format = .table

    enum Format: String, ExpressibleByArgument { case table, csv }

    mutating func run() throws {
        let store = try store.open()
        defer { try? store.close() }
        let lastEpochs = try store.lastEpochs()
        let rows = try store.runs().map { run -> [String] in
            let last = lastEpochs[run.id]
            return ["\(run.id)", run.name ?? "", run.status.rawValue, "\(run.epochsDone)/\(run.epochsPlanned.map(String.init) ?? "?")",
                    last?.trainLoss.map { String(format: "%.4f", $0) } ?? "", last?.testLoss.map { String(format: "%.4f", $0) } ?? "",
                    run.createdAt]
        }
        let header = ["id", "name", "status", "epochs", "train_loss", "test_loss", "created"]
        print(TextTable(header: header, rows: rows).render(as: format == .csv ? .csv : .aligned))
    }
}
