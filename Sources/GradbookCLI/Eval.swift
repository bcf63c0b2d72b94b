import ArgumentParser
import Datasets
import Experiments
import Foundation
import Neural
import Tracking

/// `gradbook eval RUN`: loads a weight snapshot into the run's network and measures it.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
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

    mutating func run() throws {
        let db = try store.open()
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
        // Exact values (the shortest text that reads back to the same number): this is a check.
        func cell(_ v: Double?) -> String { v.map { Cell.real($0).text } ?? "-" }
        var rows = [
            [Metric.trainLoss.name, cell(train.loss), cell(logged?.trainLoss)],
            [Metric.testLoss.name, cell(test.loss), cell(logged?.testLoss)],
            [Metric.trainAccuracy.name, cell(train.accuracy), cell(logged?.trainAccuracy)],
            [Metric.testAccuracy.name, cell(test.accuracy), cell(logged?.testAccuracy)],
        ]
        for (name, value) in test.scores?.metricValues ?? [] {
            rows.append(["test_" + name, cell(value), cell(logged?.extra["test_" + name])])
        }
        Console.out("run \(run.id), snapshot of epoch \(epoch)\(overrides.values.isEmpty ? "" : ", on other data")")
        Console.out(TableWriter.aligned(header: ["metric", "evaluated", "logged"], rows: rows))
    }

    /// Every row of a CSV file through the stored model.
    private func evaluate(file: String, run: StoredRun, epoch: Int, _ db: RunStore) throws {
        let model = try RunModel(store: db, run: run, epoch: epoch)
        let input = try ModelInput(path: file, for: model.transform, maxValues: try resources.memory().maxDataValues())
        let e = try model.evaluate(input)
        func cell(_ v: Double?) -> String { v.map { Cell.real($0).text } ?? "-" }
        Console.out("run \(run.id), snapshot of epoch \(epoch), on \(Terminal.safe(file)) (\(input.records.count) rows, inputs transformed as in training)")
        let rows = [["loss", cell(e.loss)], ["accuracy", cell(e.accuracy)]] + (e.scores?.metricValues ?? []).map { [$0.name, cell($0.value)] }
        Console.out(TableWriter.aligned(header: ["metric", "evaluated"], rows: rows))
    }
}
