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
            Data options (--dataset, --noise, --samples, --train-ratio, --label, …) evaluate it on other data.
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
        let (train, test) = try RunReplay(store: db, run: run, epoch: epoch, data: overrides, memory: resources.memory()).evaluate()
        let logged = try db.epochs(run: run.id).first { $0.epoch == epoch }
        // Exact values (the shortest text that reads back to the same number): this is a check.
        func cell(_ v: Double?) -> String { v.map { Cell.real($0).text } ?? "-" }
        let rows = [
            [Metric.trainLoss.name, cell(train.loss), cell(logged?.trainLoss)],
            [Metric.testLoss.name, cell(test.loss), cell(logged?.testLoss)],
            [Metric.trainAccuracy.name, cell(train.accuracy), cell(logged?.trainAccuracy)],
            [Metric.testAccuracy.name, cell(test.accuracy), cell(logged?.testAccuracy)],
        ]
        Console.out("run \(run.id), snapshot of epoch \(epoch)\(overrides.values.isEmpty ? "" : ", on other data")")
        Console.out(TableWriter.aligned(header: ["metric", "evaluated", "logged"], rows: rows))
    }
}
