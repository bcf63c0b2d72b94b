// Heap allocations per training step, counted, not assumed.
//
//   LD_PRELOAD=.build/release/libMallocInterposerSwift.so .build/release/alloc-count
//
// For each engine (auto, fused, blas), optimiser and diagnostics setting (and W2 on one thread
// and on two) it prints one line:
// the allocations of 1,000 engine steps (forward, backward, optimiser update with the gradient
// norms it sums), and those of one whole trainer epoch at 25 and at 100 minibatches (the
// difference is what the trainer's own loop allocates per step). Exits 2 when the interposer
// does not count (a known allocation went uncounted), so a test cannot pass by not counting. On
// Linux the interposer, linked as a dependency, comes before libc in symbol resolution, so
// LD_PRELOAD is not needed; on macOS it is (DYLD_INSERT_LIBRARIES).
import Datasets
import Foundation
import MallocInterposerSwift
import Neural

/// Allocations made by `body`, counted by the preloaded interposer.
func allocations(_ body: () -> Void) -> Int {
    MallocInterposerSwift.initialize()
    MallocInterposerSwift.hook()
    body()
    MallocInterposerSwift.unhook()
    return MallocInterposerSwift.getStatistics().mallocCount
}

/// Two-class data on the plane (the spiral's shape: 2 inputs, one logit).
func data(rows: Int, features: Int, classes: Int, seed: UInt64) -> Dataset {
    var rng = SeededGenerator(seed: seed)
    let x = (0..<(rows * features)).map { _ in Float(rng.normal()) }
    let task: Task = classes == 2 ? .binary : .multiclass(classes: classes)
    var y = [Float](repeating: 0, count: rows * task.outputCount)
    for r in 0..<rows {
        if classes == 2 { y[r] = x[r * features] * x[r * features + 1] > 0 ? 1 : 0 } else { y[r * classes + rng.below(classes)] = 1 }
    }
    return Dataset(features: x, targets: y, featureCount: features, task: task)
}

let canary = allocations { _ = [Int](repeating: 1, count: Int.random(in: 10...20)) }
guard canary > 0 else {
    FileHandle.standardError.write(Data("alloc-count: the malloc interposer is not loaded (LD_PRELOAD=.build/release/libMallocInterposerSwift.so)\n".utf8))
    exit(2)
}

/// `threads`: each setting of `blasThreads` to count (two shares W2's steps between threads).
struct Shape { var name: String; var features: Int; var hidden: [Int]; var classes: Int; var batch: Int; var threads: [Int] }
let shapes = [Shape(name: "W1 2-8-8-1", features: 2, hidden: [8, 8], classes: 2, batch: 10, threads: [1]),
              Shape(name: "W2 64-128-64-10", features: 64, hidden: [128, 64], classes: 10, batch: 32, threads: [1, 2])]
let optimizers: [Optimizer] = [.sgd, .adam(), .momentum()]

for shape in shapes {
    for threads in shape.threads {
        for engine in EngineKind.allCases {
            for optimizer in optimizers {
                for diagnostics in [false, true] {
                    let hidden = shape.hidden.map { LayerSpec(units: $0, activation: .tanh) }
                    func trainer(rows: Int) -> Trainer {
                        let split = DatasetSplit(train: data(rows: rows, features: shape.features, classes: shape.classes, seed: 1),
                                                 test: data(rows: 250, features: shape.features, classes: shape.classes, seed: 2))
                        let config = TrainingConfig(hidden: hidden, initializer: .xavier, optimizer: optimizer, learningRate: 0.01,
                                                    batchSize: shape.batch, epochs: 1, l1: 0, l2: 0, clipNorm: nil, seed: 1,
                                                    evaluateTrainingSet: false, playgroundLoss: nil)
                        let t = try! Trainer(config: config, data: split, engine: engine, blasThreads: threads)
                        t.collectsDiagnostics = diagnostics
                        return t
                    }
                    // The engine's step, as the trainer runs it: forward and backward, then the update.
                    let t = trainer(rows: shape.batch * 25)
                    let e = t.engine, train = t.data.train
                    var squares = [Double](repeating: 0, count: e.parameters.count)
                    var dropout = SeededGenerator(seed: 3)
                    let rows = Array(0..<shape.batch)[...]
                    e.collectStatistics(diagnostics)
                    func step(_ k: Int) {
                        _ = e.computeGradients(train, rows: rows, dropout: &dropout)
                        e.update(optimizer, learningRate: 0.01, step: k, squares: &squares)
                    }
                    for k in 1...10 { step(k) }
                    let steps = allocations { for k in 11...1010 { step(k) } }
                    // Whole epochs of 25 and 100 minibatches: what the trainer's loop adds per step.
                    func epoch(_ batches: Int) -> Int {
                        let t = trainer(rows: shape.batch * batches)
                        return allocations { _ = t.train { _ in .proceed } }
                    }
                    let (short, long) = (epoch(25), epoch(100))
                    print("\(shape.name) engine=\(engine) kernels=\(e.layers.map(\.kernel.rawValue).joined(separator: ",")) "
                          + "threads=\(threads) workers=\(e.workers?.size ?? 1) "
                          + "optimizer=\(optimizer) diagnostics=\(diagnostics ? "on" : "off") "
                          + "allocations_per_1000_steps=\(steps) epoch_25_batches=\(short) epoch_100_batches=\(long)")
                }
            }
        }
    }
}
