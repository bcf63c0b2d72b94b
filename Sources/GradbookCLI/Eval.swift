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

    mutating func run() throws {
        let db = try store.open()
        defer { try? db.close() }
        let (run, epoch) = try snapshot.resolve(in: db)
        var config = try JSONDecoder().decode(RunConfiguration.self, from: Data(run.configJSON.utf8))
        let dataKeys: Set = ["dataset", "samples", "noise", "train-ratio", "label", "label-kind", "standardize", "stratify", "classes", "dimensions", "features"]
        if let other = options.flagSettings.values.keys.sorted().first(where: { !dataKeys.contains($0) }) {
            throw ValidationError("--\(other) does not apply to eval: the snapshot fixes the network; only data options do (\(dataKeys.sorted().map { "--" + $0 }.joined(separator: ", ")))")
        }
        let overrides = options.flagSettings.values
        if !overrides.isEmpty {
            config.data = try RunSettings(overrides.merging(["layers": "none"]) { a, _ in a }).configuration().data.merged(over: config.data, keys: Set(overrides.keys))
        }
        let trainer = try config.makeTrainer()
        try trainer.network.load(db.snapshotTensors(run: run.id, epoch: epoch).map {
            TensorSnapshot(layer: $0.layer, name: $0.name, shape: $0.shape, values: $0.values)
        })
        let train = trainer.network.evaluate(trainer.data.train), test = trainer.network.evaluate(trainer.data.test)
        let logged = try db.epochs(run: run.id).first { $0.epoch == epoch }
        func cell(_ v: Double?) -> String { v.map { String(format: "%.6f", $0) } ?? "-" }
        let rows = [
            ["train_loss", cell(train.loss), cell(logged?.trainLoss)],
            ["test_loss", cell(test.loss), cell(logged?.testLoss)],
            ["train_accuracy", cell(train.accuracy), cell(logged?.trainAccuracy)],
            ["test_accuracy", cell(test.accuracy), cell(logged?.testAccuracy)],
        ]
        print("run \(run.id), snapshot of epoch \(epoch)\(overrides.isEmpty ? "" : ", on other data")")
        print(TableWriter.aligned(header: ["metric", "evaluated", "logged"], rows: rows))
    }
}

extension DataSpec {
    /// `self`'s values for `keys` (flag names) over `base`.
    func merged(over base: DataSpec, keys: Set<String>) -> DataSpec {
        var out = base
        if keys.contains("dataset") { out.dataset = dataset }
        if keys.contains("samples") { out.samples = samples }
        if keys.contains("noise") { out.noise = noise }
        if keys.contains("train-ratio") { out.trainRatio = trainRatio }
        if keys.contains("label") { out.label = label }
        if keys.contains("label-kind") { out.labelKind = labelKind }
        if keys.contains("standardize") { out.standardize = standardize }
        if keys.contains("stratify") { out.stratified = stratified }
        if keys.contains("classes") { out.classes = classes }
        if keys.contains("dimensions") { out.features = features }
        if keys.contains("features") { out.crosses = crosses }
        return out
    }
}
