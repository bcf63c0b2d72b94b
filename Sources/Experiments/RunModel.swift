public import Datasets
import Foundation
public import Neural
public import Tracking

/// A stored run's snapshot as a model: its network with the snapshot's weights, and the
/// ``InputTransform`` stored with the run, which turns new rows into the network's inputs the way
/// the training data was turned — nothing is fitted on the new data. What `predict` and `eval`
/// on a file use.
public struct RunModel {
    public let run: StoredRun
    public let epoch: Int
    public let configuration: RunConfiguration
    public let transform: InputTransform
    public let engine: any TrainingEngine

    /// Loads `run`'s snapshot of `epoch`.
    /// - Throws: ``ModelError/noTransform(run:)`` for a run recorded before Gradbook stored input
    ///   transforms; store errors; a snapshot that does not fit the network.
    public init(store: RunStore, run: StoredRun, epoch: Int) throws {
        guard let transform = run.inputTransform else { throw ModelError.noTransform(run: run.id) }
        let configuration = try JSONDecoder().decode(RunConfiguration.self, from: Data(run.configJSON.utf8))
        let training = configuration.training
        var rng = SeededGenerator(seed: training.seed)
        engine = (training.engine ?? .blas).make(
            inputs: transform.inputCount, hidden: training.hidden, outputs: transform.task.outputCount,
            head: training.playgroundLoss == true ? Head(playgroundFor: transform.task) : Head(for: transform.task),
            initializer: training.initializer, batchSize: training.batchSize, blasThreads: 1, rng: &rng)
        try engine.load(store.snapshotTensors(run: run.id, epoch: epoch).map {
            TensorSnapshot(layer: $0.layer, name: $0.name, shape: $0.shape, values: $0.values)
        })
        self.run = run
        self.epoch = epoch
        self.configuration = configuration
        self.transform = transform
    }

    /// The network's outputs for each row of `input`: class probabilities (for two classes, the
    /// probability of the second) or values.
    public func outputs(_ input: ModelInput) throws(DatasetError) -> Matrix { try outputs(raw: input.raw) }

    /// The network's outputs for each row of `raw` (the run's raw input columns, in order).
    public func outputs(raw: Dataset) throws(DatasetError) -> Matrix {
        let m = try inputs(raw)
        var out = BLAS.withThreads(1) { engine.predict(m) }
        if let scale = transform.targetScale { out.storage = out.storage.map(scale.value) }
        return out
    }

    /// Each hidden layer's outputs for each row of `raw`: one `rows × units` matrix per layer.
    public func hiddenOutputs(raw: Dataset) throws(DatasetError) -> [Matrix] {
        let m = try inputs(raw)
        return BLAS.withThreads(1) { engine.hiddenOutputs(m) }
    }

    /// The network's inputs for `raw`: transformed as the training data was.
    private func inputs(_ raw: Dataset) throws(DatasetError) -> Matrix {
        let x = try transform.inputs(raw)
        var m = Matrix(rows: x.count, cols: x.featureCount)
        m.storage.replaceSubrange(0..<x.features.count, with: x.features)
        return m
    }

    /// Loss, accuracy and the task's scores on a file that has the label column, in the
    /// target's own units.
    public func evaluate(_ input: ModelInput) throws -> Evaluation {
        guard input.hasLabels else { throw ModelError.noLabels(column: transform.label) }
        let evaluation = try BLAS.withThreads(1) { try engine.evaluate(transform.inputs(input.raw), collectStatistics: false) }
        return transform.targetScale?.reported(evaluation) ?? evaluation
    }

    /// One row per input row: its columns as written (or only `keep`), the predicted class (or
    /// value), and for classification the probability of each class (`p_NAME`).
    public func predictions(_ input: ModelInput, keep: [String]? = nil) throws -> ResultTable {
        let kept: [Int]
        if let keep {
            kept = try keep.map { name in
                guard let i = input.header.firstIndex(of: name) else {
                    throw SettingsError.invalid(key: "keep", value: name, expected: "a column of the file (\(input.header.prefix(20).joined(separator: ", ")))")
                }
                return i
            }
        } else {
            kept = Array(input.header.indices)
        }
        let out = try outputs(input)
        let k = out.cols
        let classes = transform.classes
        var columns = kept.map { input.header[$0] } + ["predicted"]
        if transform.task.isClassification { columns += classes.map { "p_" + $0 } }
        var rows: [[Cell]] = []
        rows.reserveCapacity(input.records.count)
        for (i, record) in input.records.enumerated() {
            var row = kept.map { Cell.text(record[$0]) }
            // The network computes in Float: each output as the Float's shortest decimal (0.9992117, not 0.99921166896…).
            let o = out.storage[(i * k)..<((i + 1) * k)].map { Double("\($0)") ?? Double($0) }
            switch transform.task {
            case .binary:
                row.append(.text(classes[o[0] >= 0.5 ? 1 : 0]))
                row += [.real(1 - o[0]), .real(o[0])]
            case .multiclass:
                row.append(.text(classes[o.indices.max { o[$0] < o[$1] }!]))
                row += o.map(Cell.real)
            case .regression, .multilabel:
                row += o.map(Cell.real)
            }
            rows.append(row)
        }
        if !transform.task.isClassification && k > 1 { columns = kept.map { input.header[$0] } + (0..<k).map { "predicted_\($0)" } }
        return ResultTable(columns: columns, rows: rows)
    }
}

extension StoredRun {
    /// What turned the run's raw data into its inputs; nil for runs recorded before it was stored.
    public var inputTransform: InputTransform? {
        inputTransformJSON.flatMap { try? JSONDecoder().decode(InputTransform.self, from: Data($0.utf8)) }
    }
}

/// Why a run cannot be used as a model.
public enum ModelError: Error, CustomStringConvertible {
    case noTransform(run: Int64)
    case noLabels(column: String)
    /// A picture over the plane needs exactly two raw input columns.
    case notPlanar(run: Int64, columns: [String])
    /// A decision field is drawn for classes or one value, not for several labels or values.
    case notDrawable(run: Int64, task: String)
    /// Weights are interpolated between networks of one shape only.
    case differentShapes(first: Int64, second: Int64)

    public var description: String {
        switch self {
        case .noTransform(let run):
            "run \(run) was recorded before Gradbook stored what turns raw data into the network's inputs; train it again to predict with it"
        case .noLabels(let column):
            "the file has no label column '\(column)' to measure against; `gradbook predict` gives the predictions without labels"
        case let .notPlanar(run, columns):
            "run \(run) has \(columns.count) input column\(columns.count == 1 ? "" : "s") (\(columns.prefix(6).joined(separator: ", "))\(columns.count > 6 ? ", …" : "")); "
                + "a decision boundary is drawn over two (the built-in 2-D sets, or a CSV file with two input columns)"
        case let .notDrawable(run, task):
            "run \(run) is \(task); a decision boundary is drawn for classification or a single-value regression"
        case let .differentShapes(first, second):
            "runs \(first) and \(second) have networks of different shapes (layers, widths or inputs); "
                + "the line between two runs' weights needs the same network in both"
        }
    }
}
