public import Datasets
import Foundation

/// A multilayer perceptron: hidden ``Dense`` layers, an output layer, and a ``Head``. Each layer
/// computes its products with the ``LayerKernel`` its ``EngineKind`` chose for it: BLAS for
/// layers wide enough that the products dominate, the fused loops for small ones.
///
/// It owns every buffer a step needs, made once for `capacity` rows (the batch size, or the
/// evaluation chunk if larger).
public final class Network: TrainingEngine {
    public let inputs: Int
    public let head: Head
    /// Hidden layers then the output layer (identity activation; the head turns its logits
    /// into predictions).
    let dense: [Dense]
    public let layers: [LayerShape]
    /// The engine asked for; ``LayerShape/kernel`` says what each layer runs.
    public let kind: EngineKind
    public var blasThreads: Int?
    let capacity: Int
    /// Every parameter and buffer, in one allocation.
    private let arena: Arena<Float>
    /// The rows of the current batch, their targets, and the head's predictions for them.
    private let batchInput: UnsafeMutablePointer<Float>
    private let batchTargets: UnsafeMutablePointer<Float>
    private let predictions: UnsafeMutablePointer<Float>
    /// The threads each step is shared between, when asked for more than one and a layer is
    /// wide enough to share (``Share/splits(units:between:)``): OpenBLAS then runs one thread in
    /// each of them (``blasThreads`` is 1).
    public let workers: WorkerTeam?

    /// Rows per forward pass during evaluation.
    static let evaluationChunk = 256

    /// Makes a network with freshly initialised weights. `blasThreads` above 1 shares each step
    /// between that many threads (at most one per processor; ``WorkerTeam``) when a layer is wide
    /// enough to give each some of its units: a narrower network is too small to gain from it.
    public init(inputs: Int, hidden: [LayerSpec], outputs: Int, head: Head,
                initializer: Initializer, batchSize: Int = 1, blasThreads: Int? = nil, kind: EngineKind = .blas,
                rng: inout SeededGenerator) {
        self.kind = kind
        self.inputs = inputs
        self.head = head
        capacity = max(batchSize, Self.evaluationChunk)
        let widths = [inputs] + hidden.map(\.units) + [outputs]
        // Each layer's kernel, chosen once: it sizes the layer's share of the arena and runs it.
        let kernels = widths.indices.dropLast().map { kind.kernel(inputs: widths[$0], outputs: widths[$0 + 1]) }
        if kernels.contains(.blas) { BLAS.lookFor() }
        let threads = min(blasThreads ?? 1, ProcessInfo.processInfo.activeProcessorCount)
        if threads > 1 && widths.dropFirst().contains(where: { Share.splits(units: $0, between: threads) }) {
            workers = WorkerTeam(size: threads)
            self.blasThreads = 1
        } else {
            workers = nil
            self.blasThreads = blasThreads
        }
        var size = capacity * (inputs + 2 * outputs)
        for (i, spec) in hidden.enumerated() {
            size += Dense.floats(inputs: widths[i], outputs: spec.units, batchNorm: spec.batchNorm, dropout: spec.dropout, capacity: capacity,
                                 kernel: kernels[i])
        }
        size += Dense.floats(inputs: widths[hidden.count], outputs: outputs, batchNorm: false, dropout: 0, capacity: capacity,
                             kernel: kernels[hidden.count])
        let arena = Arena(count: size)
        self.arena = arena
        var layers: [Dense] = []
        for (i, spec) in hidden.enumerated() {
            layers.append(Dense(inputs: widths[i], outputs: spec.units, activation: spec.activation,
                                batchNorm: spec.batchNorm, dropout: spec.dropout, initializer: initializer, capacity: capacity,
                                kernel: kernels[i], arena: arena, rng: &rng))
        }
        let last = widths[hidden.count]
        layers.append(Dense(inputs: last, outputs: outputs, activation: .identity, batchNorm: false, dropout: 0,
                            initializer: initializer, capacity: capacity,
                            kernel: kernels[hidden.count], arena: arena, rng: &rng))
        dense = layers
        parameters = layers.flatMap(\.parameters)
        var start = 0
        self.layers = layers.map { layer in
            defer { start += layer.parameters.count }
            return LayerShape(units: layer.outputs, activation: layer.activation, parameters: start..<(start + layer.parameters.count),
                              kernel: layer.kernel)
        }
        batchInput = arena.take(capacity * inputs)
        batchTargets = arena.take(capacity * outputs)
        predictions = arena.take(capacity * outputs)
    }

    /// Every trainable parameter, layer by layer (made once: the training loop reads it every step).
    public let parameters: [Parameter]

    /// Predictions (values or probabilities) for the rows of `x`, in evaluation mode.
    public func predict(_ x: Matrix) -> Matrix {
        var out = Matrix(rows: x.rows, cols: outputs)
        forwardInChunks(x) { start, rows in
            _ = headPass(rows: rows, gradient: false)
            for i in 0..<(rows * outputs) { out.storage[start * outputs + i] = predictions[i] }
        }
        return out
    }

    public func hiddenOutputs(_ x: Matrix) -> [Matrix] {
        let hidden = dense.dropLast()
        var out = hidden.map { Matrix(rows: x.rows, cols: $0.outputs) }
        forwardInChunks(x) { start, rows in
            for (l, layer) in hidden.enumerated() {
                let n = layer.outputs
                for i in 0..<(rows * n) { out[l].storage[start * n + i] = layer.output[i] }
            }
        }
        return out
    }

    /// Runs the rows of `x` forward in evaluation mode, a chunk of ``capacity`` rows at a time,
    /// calling `each` with each chunk's first row and row count on the first worker once the
    /// whole chunk is through.
    private func forwardInChunks(_ x: Matrix, _ each: (_ start: Int, _ rows: Int) -> Void) {
        precondition(x.cols == inputs, "expected \(inputs) features, got \(x.cols)")
        run { share in
            var none: SeededGenerator? = nil
            for start in stride(from: 0, to: x.rows, by: capacity) {
                let rows = min(capacity, x.rows - start)
                x.storage.withUnsafeBufferPointer { gather($0.baseAddress!, nil, start..<(start + rows), share: share) }
                forward(rows: rows, training: false, share: share, dropout: &none)
                share.barrier()
                if share.isFirst { each(start, rows) }
            }
        }
    }

    /// The mean loss and accuracy on `data`, in evaluation mode (no dropout, batch norm's
    /// running statistics). With `collectStatistics`, the hidden layers' activation
    /// statistics of this pass are returned too.
    public func evaluate(_ data: Dataset, collectStatistics: Bool = false) -> Evaluation {
        var loss = 0.0, correct = 0.0
        let hidden = dense.dropLast()
        for l in hidden {
            l.collectsStatistics = collectStatistics
            if collectStatistics { l.statistics.reset() }
        }
        defer { for l in hidden { l.collectsStatistics = false } }
        var scores = TaskScores.Accumulator(head: head, outputs: outputs, samples: data.count)
        run { share in
            var none: SeededGenerator? = nil
            for start in stride(from: 0, to: data.count, by: capacity) {
                let range = start..<min(start + capacity, data.count)
                data.features.withUnsafeBufferPointer { features in
                    data.targets.withUnsafeBufferPointer { gather(features.baseAddress!, share.isFirst ? $0.baseAddress! : nil, range, share: share) }
                }
                forward(rows: range.count, training: false, share: share, dropout: &none)
                share.barrier()
                guard share.isFirst else { continue }
                let r = headPass(rows: range.count, gradient: false)
                loss += r.loss
                correct += r.correct
                TaskScores.gather(head: head, predictions: UnsafeBufferPointer(start: predictions, count: range.count * outputs),
                                  targets: data.targets[(range.lowerBound * outputs)..<(range.upperBound * outputs)],
                                  rows: range.count, cols: outputs, into: &scores)
            }
        }
        let n = Double(max(data.count, 1))
        return Evaluation(loss: loss / n, accuracy: head.isRegression ? nil : correct / n,
                          statistics: collectStatistics ? hidden.map(\.statistics.statistics) : [], scores: scores.scores)
    }

    /// One forward and backward pass on the samples `rows` of `data`: every parameter's
    /// gradient is set to that of the batch-mean loss.
    /// - Returns: the summed per-sample loss and accuracy of the batch (before the update).
    @discardableResult
    public func computeGradients(_ data: Dataset, rows: ArraySlice<Int>, dropout: inout SeededGenerator) -> BatchResult {
        precondition(rows.count <= capacity, "batch of \(rows.count) exceeds capacity \(capacity)")
        return data.features.withUnsafeBufferPointer { features in
            data.targets.withUnsafeBufferPointer { targets in
                rows.withUnsafeBufferPointer { rows in
                    step = Batch(features: features.baseAddress!, targets: targets.baseAddress!, rows: rows)
                    var generator: SeededGenerator? = dropout
                    defer { (dropout, step) = (generator!, nil) }
                    guard let workers else { return runStep(.whole, dropout: &generator) }
                    stepDropout = generator
                    workers.run(made: stepWork)
                    generator = stepDropout
                    return stepResult
                }
            }
        }
    }

    /// A batch's rows of a data set, as plain pointers (no reference counted on the way).
    private struct Batch {
        var features: UnsafePointer<Float>
        var targets: UnsafePointer<Float>
        var rows: UnsafeBufferPointer<Int>
    }

    // The training step under way, for the workers (each its own property: the first worker
    // writes the dropout stream and the result while the others read the batch).
    private var step: Batch?
    private var stepDropout: SeededGenerator?
    private var stepResult = BatchResult(loss: 0, correct: 0)
    /// A team's share of the step as a closure made once: a closure made per step would
    /// allocate its context.
    private lazy var stepWork: (Share) -> Void = { [unowned self] share in
        if share.isFirst {
            stepResult = runStep(share, dropout: &stepDropout)
        } else {
            var none: SeededGenerator? = nil
            _ = runStep(share, dropout: &none)
        }
    }

    /// This worker's share of the training step on ``step``; the first worker is given the
    /// dropout stream and returns the batch's summed loss and accuracy.
    private func runStep(_ share: Share, dropout: inout SeededGenerator?) -> BatchResult {
        let batch = step!, rows = batch.rows.count
        gather(batch.features, share.isFirst ? batch.targets : nil, batch.rows, share: share)
        forward(rows: rows, training: true, share: share, dropout: &dropout)
        share.barrier()
        var result = BatchResult(loss: 0, correct: 0)
        if share.isFirst {
            let r = headPass(rows: rows, gradient: true)
            result = BatchResult(loss: r.loss, correct: r.correct)
        }
        backward(rows: rows, share: share)
        return result
    }

    public func collectStatistics(_ on: Bool) {
        for layer in dense.dropLast() {
            layer.statistics.reset()
            layer.collectsStatistics = on
        }
    }

    public func trainingStatistics() -> [ActivationStatistics] { dense.dropLast().map(\.statistics.statistics) }

    // MARK: - The passes

    /// Runs `body` on every worker of ``workers``, or once on this thread.
    private func run(_ body: (Share) -> Void) {
        if let workers { workers.run(body) } else { body(.whole) }
    }

    /// This worker's share of a forward pass over `rows` rows of the batch: in training mode
    /// (dropout drawn from `dropout`, which only the first worker is given) or evaluation mode.
    /// Every layer waits for the whole of the one below it.
    private func forward(rows: Int, training: Bool, share: Share, dropout: inout SeededGenerator?) {
        var input = UnsafePointer(batchInput)
        for layer in dense {
            share.barrier()
            layer.forward(input, rows: rows, training: training, share: share, dropout: &dropout)
            input = UnsafePointer(layer.result(training: training))
        }
    }

    /// The head on the output layer's logits for `rows` rows, into ``predictions``; with
    /// `gradient`, also writes ∂loss/∂logits into the output layer's `delta`.
    private func headPass(rows: Int, gradient: Bool) -> (loss: Double, correct: Double) {
        let out = dense[dense.count - 1]
        return head.evaluate(out.output, batchTargets, rows: rows, cols: out.outputs, predictions: predictions,
                             gradient: gradient ? out.delta : nil)
    }

    /// This worker's share of the backward pass; each layer starts once the whole of its delta
    /// is in.
    private func backward(rows: Int, share: Share) {
        for i in stride(from: dense.count - 1, through: 0, by: -1) {
            share.barrier()
            let input = i == 0 ? UnsafePointer(batchInput) : UnsafePointer(dense[i - 1].result(training: true))
            dense[i].backward(input, rows: rows, inputGradient: i == 0 ? nil : dense[i - 1].delta, share: share)
        }
    }

    // MARK: - Batches

    /// Copies this worker's share of the rows `indices` of row-major `features` (and all of
    /// `targets`, when given) into the batch buffers: the one copy behind training steps,
    /// evaluation and prediction.
    private func gather(_ features: UnsafePointer<Float>, _ targets: UnsafePointer<Float>?, _ indices: some Collection<Int>,
                        share: Share) {
        let d = inputs, k = outputs, rows = indices.count
        precondition(rows <= capacity, "batch of \(rows) exceeds capacity \(capacity)")
        let mine = share.rows(of: rows)
        // Element by element: rows of a few values are copied faster than memmove is called.
        for (r, i) in zip(mine, indices.dropFirst(mine.lowerBound)) {
            let from = features + i * d, to = batchInput + r * d
            for c in 0..<d { to[c] = from[c] }
        }
        guard let targets else { return }
        for (r, i) in indices.enumerated() {
            let from = targets + i * k, to = batchTargets + r * k
            for c in 0..<k { to[c] = from[c] }
        }
    }
}
