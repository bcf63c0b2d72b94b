import Datasets
import Foundation
public import Neural
public import Tracking

/// A stored run's network at one of its snapshots, rebuilt from its configuration and measured:
/// what `gradbook eval` prints.
public struct RunReplay {
    /// The run's configuration, with any data options given on top.
    public let configuration: RunConfiguration
    /// The rebuilt trainer, its engine holding the snapshot's weights.
    public let trainer: Trainer

    /// Rebuilds `run`'s network and data, and loads its snapshot of `epoch`.
    /// - Parameter data: data options (``RunOption/Group/data``) that evaluate it on other data.
    /// - Throws: ``SettingsError`` for an option that is not a data option (the snapshot fixes
    ///   the network), data and store errors.
    public init(store: RunStore, run: StoredRun, epoch: Int, data: RunSettings = RunSettings(), memory: MemoryBudget = .standard) throws {
        // The snapshot fixes the network's inputs and how raw data becomes them.
        let fixed = ["features", "columns", "drop", "standardize"]
        if let key = data.values.keys.sorted().first(where: fixed.contains) {
            throw SettingsError.invalid(key: key, value: data.values[key] ?? "",
                                        expected: "no --\(key): the snapshot fixes the network's inputs and how the data becomes them")
        }
        let dataKeys = RunOption.all.filter { $0.group == .data && !fixed.contains($0.key) }.map(\.key)
        if let other = data.values.keys.sorted().first(where: { !dataKeys.contains($0) }) {
            throw SettingsError.invalid(key: other, value: data.values[other] ?? "", expected:
                "a data option (\(dataKeys.map { "--" + $0 }.joined(separator: ", "))): the snapshot fixes the network")
        }
        let stored = try JSONDecoder().decode(RunConfiguration.self, from: Data(run.configJSON.utf8))
        configuration = try data.applied(to: stored)
        // Runs that stored their input transform apply it to any data: nothing is fitted on new data.
        trainer = try configuration.makeTrainer(memory: memory, transform: run.inputTransform)
        try trainer.engine.load(store.snapshotTensors(run: run.id, epoch: epoch).map {
            TensorSnapshot(layer: $0.layer, name: $0.name, shape: $0.shape, values: $0.values)
        })
    }

    /// Loss, accuracy and the task's scores on the training and the test part, in evaluation
    /// mode, in a regression target's own units.
    public func evaluate() -> (train: Evaluation, test: Evaluation) {
        let scale = trainer.data.transform?.targetScale
        let (train, test) = (trainer.engine.evaluate(trainer.data.train, collectStatistics: false),
                             trainer.engine.evaluate(trainer.data.test, collectStatistics: false))
        return (scale?.reported(train) ?? train, scale?.reported(test) ?? test)
    }
}
