import Datasets
import Foundation
public import Neural
public import Tracking

/// A network's loss along the straight line between two of its weight settings,
/// θ(α) = (1 − α)·θ₀ + α·θ₁ (Goodfellow, Vinyals & Saxe 2015): from a run's initial weights to its
/// final ones, or from its final weights to another run's of the same shape. A line that falls
/// smoothly says that training found a plain valley; a bump between two runs' minima, a barrier.
public struct WeightLine: Sendable {
    /// The losses at one point of the line, on the first run's data (its own split regenerated).
    public struct Point: Sendable, Equatable {
        public var alpha: Double
        public var train: Evaluation
        public var test: Evaluation?
    }

    /// Where each end of the line is: a run and the epoch of one of its snapshots.
    public struct End: Sendable {
        public var run: StoredRun
        public var epoch: Int

        public init(run: StoredRun, epoch: Int) {
            self.run = run
            self.epoch = epoch
        }
    }

    public let from: End
    public let to: End
    public let points: [Point]

    /// Evaluates the line at `steps + 1` evenly spaced α from 0 to 1 on `from`'s training and
    /// test data, in the target's own units as the run reported them.
    /// - Throws: ``ModelError/differentShapes(first:second:)`` when the ends' networks differ;
    ///   store and data errors.
    public init(store: RunStore, from: End, to: End, steps: Int, memory maxValues: Int) throws {
        let model = try RunModel(store: store, run: from.run, epoch: from.epoch)
        let first = try store.snapshotTensors(run: from.run.id, epoch: from.epoch)
        let second = try store.snapshotTensors(run: to.run.id, epoch: to.epoch)
        let shape = { (tensors: [TensorRecord]) in tensors.map { "\($0.layer) \($0.name) \($0.shape)" } }
        guard shape(first) == shape(second) else {
            throw ModelError.differentShapes(first: from.run.id, second: to.run.id)
        }
        let configuration = model.configuration
        let split = try configuration.data.rawSplit(seed: configuration.training.seed, maxValues: maxValues).split
        let train = try model.transform.inputs(split.train)
        let test = split.test.count > 0 ? try model.transform.inputs(split.test) : nil
        var points: [Point] = []
        for k in 0...max(steps, 1) {
            let alpha = Double(k) / Double(max(steps, 1))
            let a = Float(alpha)
            try model.engine.load(zip(first, second).map { p, q in
                TensorSnapshot(layer: p.layer, name: p.name, shape: p.shape, values: zip(p.values, q.values).map { (1 - a) * $0 + a * $1 })
            })
            let scale = { (e: Evaluation) in model.transform.targetScale?.reported(e) ?? e }
            points.append(BLAS.withThreads(1) {
                Point(alpha: alpha, train: scale(model.engine.evaluate(train, collectStatistics: false)),
                      test: test.map { scale(model.engine.evaluate($0, collectStatistics: false)) })
            })
        }
        self.from = from
        self.to = to
        self.points = points
    }
}
