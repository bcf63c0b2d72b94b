import Datasets

/// The order in which an epoch visits the training rows: a fresh shuffle per epoch from stream
/// 2 of the run's seed.
///
/// Public so that a run's exact minibatches can be replayed elsewhere (the side-by-side
/// benchmarks feed them to PyTorch and JAX); the trainer draws its own order from it.
public struct MinibatchOrder: Sendable {
    private var rng: SeededGenerator
    /// The shuffling generator's state (for a checkpoint).
    var generator: SeededGenerator { rng }
    /// The current epoch's order (the identity before the first ``next()``).
    public private(set) var rows: [Int]

    public init(seed: UInt64, count: Int) {
        rng = SeededGenerator(seed: seed).derived(2)
        rows = Array(0..<count)
    }

    /// Continues an order from a checkpoint's generator and rows.
    init(generator: SeededGenerator, rows: [Int]) {
        rng = generator
        self.rows = rows
    }

    /// Shuffles into the next epoch's order and returns it.
    @discardableResult
    public mutating func next() -> [Int] {
        rng.shuffle(&rows)
        return rows
    }
}
