import Datasets
import Experiments
import Foundation
import Neural
import Reporting
import Tracking

extension DecisionField {
    /// Grid points per side of a boundary picture, and of a hidden unit's thumbnail (at most
    /// half the boundary's).
    static let resolution = 64, unitGrid = 24

    /// What `model`'s network computes over the plane of its two raw input columns, with the
    /// run's own data as points (the split regenerated or read again from its configuration):
    /// the grid goes through the stored transform (feature crosses, standardiser) as the data did.
    init(model: RunModel, points: [Point], extent: (x: ClosedRange<Double>, y: ClosedRange<Double>), resolution: Int) throws {
        let transform = model.transform
        let output: Output
        switch transform.task {
        case .binary: output = .probability
        case .multiclass: output = .classes
        case .regression(1): output = .value
        default: throw ModelError.notDrawable(run: model.run.id, task: "\(transform.task)")
        }
        func plane(_ resolution: Int) -> Dataset {
            let grid = DecisionField.grid(x: extent.x, y: extent.y, resolution: resolution)
            return Dataset(features: grid.flatMap { [Float($0.x), Float($0.y)] }, targets: [Float](repeating: 0, count: grid.count * transform.task.outputCount),
                           featureCount: 2, task: transform.task, featureNames: transform.columns)
        }
        let values = try model.outputs(raw: plane(resolution)).values
        let unitResolution = min(resolution / 2, Self.unitGrid)
        let hidden = try model.hiddenOutputs(raw: plane(unitResolution))
        var units: [Unit] = []
        for (l, matrix) in hidden.enumerated() {
            let activation = model.engine.layers[l].activation
            for u in 0..<matrix.cols {
                units.append(Unit(layer: l + 1, unit: u + 1, activation: "\(activation)",
                                  bounds: activation.outputRange.map { Double($0.lowerBound)...Double($0.upperBound) },
                                  values: (0..<matrix.rows).map { matrix.storage[$0 * matrix.cols + u] }))
            }
        }
        self.init(columns: transform.columns, x: extent.x, y: extent.y, resolution: resolution, output: output,
                  classes: output == .value ? [] : transform.classes, values: values, unitResolution: unitResolution, units: units, points: points, epoch: model.epoch)
    }

    /// The run's data as points in raw coordinates: each part of its split, labelled.
    static func points(of model: RunModel, memory: MemoryBudget) throws -> [Point] {
        guard model.transform.columns.count == 2 else { throw ModelError.notPlanar(run: model.run.id, columns: model.transform.columns) }
        let configuration = model.configuration
        let split = try configuration.data.rawSplit(seed: configuration.training.seed, maxValues: memory.maxDataValues()).split
        func points(_ d: Dataset?, _ part: Part) -> [Point] {
            guard let d else { return [] }
            let labels = d.task.isClassification ? d.classIndices.map(Double.init) : (0..<d.count).map { Double(d.targets[$0 * d.task.outputCount]) }
            return (0..<d.count).map { Point(x: Double(d.features[2 * $0]), y: Double(d.features[2 * $0 + 1]), label: labels[$0], part: part) }
        }
        return points(split.train, .train) + points(split.validation, .validation) + points(split.test, .test)
    }

    /// The fields of `run`'s snapshots at `epochs`, on one plane (the data's extent).
    static func frames(store: RunStore, run: StoredRun, epochs: [Int], resolution: Int, memory: MemoryBudget) throws -> [DecisionField] {
        guard let first = epochs.first else { return [] }
        let model = try RunModel(store: store, run: run, epoch: first)
        let points = try points(of: model, memory: memory)
        let extent = DecisionField.extent(of: points.map { ($0.x, $0.y) })
        var fields = [try DecisionField(model: model, points: points, extent: extent, resolution: resolution)]
        for epoch in epochs.dropFirst() {
            fields.append(try DecisionField(model: RunModel(store: store, run: run, epoch: epoch), points: points, extent: extent, resolution: resolution))
        }
        return fields
    }
}

/// A report's decision boundaries and hidden outputs, from the runs' snapshots in the store and their data.
struct StoredFields: FieldSource, ActivationSource {
    let store: RunStore
    let memory: MemoryBudget

    func fields(run id: Int64, frames: Int, resolution: Int) throws -> [DecisionField] {
        let run = try store.run(String(id))
        guard let transform = run.inputTransform, transform.columns.count == 2 else { return [] }
        let epochs = Array(Set(try store.snapshots(run: id).map(\.epoch))).sorted()
        guard !epochs.isEmpty else { return [] }
        let chosen = SnapshotRecord.spread(epochs, count: frames)
        do {
            return try DecisionField.frames(store: store, run: run, epochs: chosen, resolution: resolution, memory: memory)
        } catch ModelError.notDrawable {
            return []
        }
    }


    func hiddenOutputs(run id: Int64, epoch: Int, examples: Int) throws -> [[Float]] {
        let model = try RunModel(store: store, run: try store.run(String(id)), epoch: epoch)
        let configuration = model.configuration
        let train = try configuration.data.rawSplit(seed: configuration.training.seed, maxValues: memory.maxDataValues()).split.train
        let rows = Array(0..<min(train.count, examples))
        return try model.hiddenOutputs(raw: train.subset(rows)).map { $0.storage }
    }
}
