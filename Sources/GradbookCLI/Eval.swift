import ArgumentParser
import Datasets
import Experiments
import Foundation
import Neural
import Tracking

/// `gradbook eval RUN`: loads a weight snapshot into the run's network and measures it.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure a run's weight snapshot on its data (or on other data).",
        discussion: """
            Rebuilds the run's network and data from its stored configuration, loads the snapshot, and \
            reports train and test loss and accuracy in evaluation mode, beside what was logged for that epoch. \
            Data options (--noise, --samples, --train-ratio, …) evaluate it on other generated data; --dataset FILE.csv \
            on every row of a file that has the run's input and label columns. Either way the inputs are transformed \
            as the run's training data was (its crosses, the standardiser fitted on its training part, its classes): \
            nothing is fitted on the new data.
            """)

    @OptionGroup var store: StoreOptions

    @OptionGroup var snapshot: SnapshotSelection

    @OptionGroup var options: RunOptions
    @OptionGroup var resources: ResourceOptions
    @OptionGroup var format: ResultFormat

    mutating func run() throws {
        let db = try store.open(.read)
        defer { try? db.close() }
        let (run, epoch) = try snapshot.resolve(in: db)
        let overrides = options.flagSettings
        if let file = overrides.values["dataset"], BuiltinDataset(rawValue: file.lowercased()) == nil {
            if let other = overrides.values.keys.sorted().first(where: { $0 != "dataset" }) {
                throw ValidationError("--\(other) does not apply with --dataset FILE, which evaluates every row of the file "
                                      + "with the run's own input and label columns")
            }
            try evaluate(file: file, run: run, epoch: epoch, db)
            return
        }
        let (train, test) = try RunReplay(store: db, run: run, epoch: epoch, data: overrides, memory: resources.memory()).evaluate()
        let logged = try db.epochs(run: run.id).first { $0.epoch == epoch }
        var rows: [(String, Double?, Double?)] = [
            (Metric.trainLoss.name, train.loss, logged?.trainLoss), (Metric.testLoss.name, test.loss, logged?.testLoss),
            (Metric.trainAccuracy.name, train.accuracy, logged?.trainAccuracy), (Metric.testAccuracy.name, test.accuracy, logged?.testAccuracy),
        ]
        for (name, value) in test.scores?.metricValues ?? [] {
            let metric = TaskScores.metricName(name, split: "test")
            rows.append((metric, value, logged?.extra[metric]))
        }
        print(run: run, epoch: epoch, on: overrides.values.isEmpty ? nil : "other data", rows: rows, logged: true)
    }

    /// Every row of a CSV file through the stored model.
    private func evaluate(file: String, run: StoredRun, epoch: Int, _ db: RunStore) throws {
        let model = try RunModel(store: db, run: run, epoch: epoch)
        let input = try ModelInput(path: file, for: model.transform, maxValues: try resources.memory().maxDataValues())
        let e = try model.evaluate(input)
        let rows: [(String, Double?, Double?)] = [("loss", e.loss, nil), ("accuracy", e.accuracy, nil)]
            + (e.scores?.metricValues ?? []).map { ($0.name, Optional($0.value), nil) }
        print(run: run, epoch: epoch, on: file, rows: rows, logged: false, count: input.records.count)
    }

    /// The table (exact values: the shortest text that reads back to the same number — this is a
    /// check), or with `--format json` one document.
    private func print(run: StoredRun, epoch: Int, on data: String?, rows: [(String, Double?, Double?)], logged: Bool, count: Int? = nil) {
        if format.isJSON {
            let metrics: [(String, JSONValue)] = rows.map { name, evaluated, stored in
                (name, .object([("evaluated", .number(evaluated))] + (logged ? [("logged", .number(stored))] : [])))
            }
            Swift.print(JSONValue.object([("run_id", .cell(.integer(run.id))), ("epoch", .integer(epoch)), ("data", .string(data ?? "the run's own")),
                                          ("rows", .integer(count)), ("metrics", .object(metrics))]).text())
            return
        }
        func cell(_ v: Double?) -> String { v.map { Cell.real($0).text } ?? "-" }
        if let count, let data {
            Console.out("run \(run.id), snapshot of epoch \(epoch), on \(data) (\(count) rows, inputs transformed as in training)")
        } else {
            Console.out("run \(run.id), snapshot of epoch \(epoch)\(data == nil ? "" : ", on other data")")
        }
        Console.out(TableWriter.aligned(header: ["metric", "evaluated"] + (logged ? ["logged"] : []),
                                        rows: rows.map { [$0.0, cell($0.1)] + (logged ? [cell($0.2)] : []) }))
    }
}
