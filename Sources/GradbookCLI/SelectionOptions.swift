import ArgumentParser
import Foundation
import Tracking

/// The run selection shared by `runs`, `compare`, `export` and `delete`: run references, and
/// options that narrow them (combined with AND).
struct SelectionOptions: ParsableArguments {
    @Argument(help: "Runs by id, uuid prefix or name. (default: every run the options select)")
    var runs: [String] = []

    @Option(name: .customLong("where"), help: ArgumentHelp(
        "A filter, e.g. \"activation in ('relu','tanh') and lr < 0.1 and best(test_loss) < 0.2\".",
        discussion: """
            Operators: and, or, not, ( ), = != < <= > >=, in (…), not in (…), like 'pat%', is [not] null. \
            Names: hyperparameters (lr, activation, …; or param.NAME), attributes (id, name, status, sweep, experiment, created, \
            started, ended, epochs_done, duration, host, error), tags (tag.KEY), alert counts (alerts, alert.KIND: epochs in which \
            it fired), metrics as their final value (train_loss, val_loss, test_loss, train_accuracy, val_accuracy, test_accuracy, \
            learning_rate, seconds, grad_norm, dead_units, dead_fraction, saturated_fraction, …), and functions of a metric's \
            curve: best(M), best_epoch(M), min(M), max(M), mean(M), median(M), first(M), final(M), at(M, EPOCH), \
            at_best(M, BY) (M at BY's best epoch), selected(M) (M at the run's selected epoch: the best val_loss epoch for \
            test_loss when the run has a validation split, else M's own best), selected_epoch(M), selected_on(M). \
            Text goes in quotes.
            """,
            valueName: "filter"))
    var filter: String?

    @Option(help: ArgumentHelp("Only the runs of this sweep; repeat for several.", valueName: "name"))
    var sweep: [String] = []

    @Option(help: ArgumentHelp("Only the runs of this experiment; repeat for several.", valueName: "name"))
    var experiment: [String] = []

    @Option(help: ArgumentHelp("Only runs with this status (\(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))); repeat or comma-separate for several.",
                               valueName: "status"))
    var status: [String] = []

    @Option(help: ArgumentHelp("Only runs with this tag: KEY=VALUE, or KEY for any value; repeatable.", valueName: "key=value"))
    var tag: [String] = []

    @Option(help: ArgumentHelp("Order by a name or function, ':desc' for descending, e.g. best(test_loss) or lr:desc. (default: newest first)",
                               valueName: "key"))
    var sort: String?

    @Option(help: "At most this many runs.")
    var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("invalid --limit \(limit): expected a positive number of runs") }
        _ = try statuses()
    }

    private func statuses() throws -> [RunStatus] {
        try status.flatMap { $0.split(separator: ",") }.map { text in
            guard let s = RunStatus(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("invalid --status '\(text)': expected one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return s
        }
    }

    var selection: RunSelection {
        get throws {
            RunSelection(runs: runs, filter: filter, sweeps: sweep, experiments: experiment, statuses: try statuses(), tags: tag,
                         sort: sort, limit: limit)
        }
    }

    /// The selected run ids; an error when none match and the user named something.
    func select(in store: RunStore) throws -> [Int64] {
        let selection = try selection
        let ids = try store.select(selection)
        if ids.isEmpty && selection.isNarrowed { throw SelectionError.noMatch }
        return ids
    }
}

/// A selection that matched nothing.
enum SelectionError: Error, CustomStringConvertible {
    case noMatch

    var description: String { "no run matches the selection" }
}
