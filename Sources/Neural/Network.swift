public import Datasets

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
    private var batchRows = 0

    /// Rows per forward pass during evaluation.
    static let evaluationChunk = 256

    /// Makes a network with freshly initialised weights.
    public init(inputs: Int, hidden: [LayerSpec], outputs: Int, head: Head,
                initializer: Initializer, batchSize: Int = 1, blasThreads: Int? = nil, kind: EngineKind = .blas,
                rng: inout SeededGenerator) {
        self.blasThreads = blasThreads
        self.kind = kind
        self.inputs = inputs
        self.head = head
        capacity = max(batchSize, Self.evaluationChunk)
        let widths = [inputs] + hidden.map(\.units) + [outputs]
        // Each layer's kernel, chosen once: it sizes the layer's share of the arena and runs it.
        let kernels = widths.indices.dropLast().map { kind.kernel(inputs: widths[$0], outputs: widths[$0 + 1]) }
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
        precondition(x.cols == inputs, "expected \(inputs) features, got \(x.cols)")
        var out = Matrix(rows: x.rows, cols: outputs)
        var evaluation: SeededGenerator? = nil
        for start in stride(from: 0, to: x.rows, by: capacity) {
            let rows = min(capacity, x.rows - start)
            gather(x.storage, nil, start..<(start + rows))
            forward(dropout: &evaluation)
            _ = headPass(gradient: false)
            for i in 0..<(rows * outputs) { out.storage[start * outputs + i] = predictions[i] }
        }
        return out
    }

    public func hiddenOutputs(_ x: Matrix) -> [Matrix] {
        precondition(x.cols == inputs, "expected \(inputs) features, got \(x.cols)")
        let hidden = dense.dropLast()
        var out = hidden.map { Matrix(rows: x.rows, cols: $0.outputs) }
        var evaluation: SeededGenerator? = nil
        for start in stride(from: 0, to: x.rows, by: capacity) {
            let rows = min(capacity, x.rows - start)
            gather(x.storage, nil, start..<(start + rows))
            forward(dropout: &evaluation)
            for (l, layer) in hidden.enumerated() {
                let n = layer.outputs
                for i in 0..<(rows * n) { out[l].storage[start * n + i] = layer.output[i] }
            }
        }
        return out
    }

    /// The mean loss and accuracy on `data`, in evaluation mode (no dropout, batch norm's
    /// running statistics). With `collectStatistics`, the hidden layers' activation
    /// statistics of this pass are returned too.
    public func evaluate(_ data: Dataset, collectStatistics: Bool = false) -> Evaluation {
        var evaluation: SeededGenerator? = nil
        var loss = 0.0, correct = 0.0
        let hidden = dense.dropLast()
        for l in hidden {
            l.collectsStatistics = collectStatistics
            if collectStatistics { l.statistics.reset() }
        }
        defer { for l in hidden { l.collectsStatistics = false } }
        var scores = TaskScores.Accumulator(head: head, outputs: outputs, samples: data.count)
        for start in stride(from: 0, to: data.count, by: capacity) {
            let range = start..<min(start + capacity, data.count)
            gather(data.features, data.targets, range)
            forward(dropout: &evaluation)
            let r = headPass(gradient: false)
            loss += r.loss
            correct += r.correct
            TaskScores.gather(head: head, predictions: UnsafeBufferPointer(start: predictions, count: range.count * outputs), targets: data.targets[(range.lowerBound * outputs)..<(range.upperBound * outputs)],
                              rows: range.count, cols: outputs, into: &scores)
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
        gather(data.features, data.targets, rows)
        var training: SeededGenerator? = dropout
        forward(dropout: &training)
        dropout = training!
        let result = headPass(gradient: true)
        backward()
        return BatchResult(loss: result.loss, correct: result.correct)
    }

    public func collectStatistics(_ on: Bool) {
        for layer in dense.dropLast() {
            layer.statistics.reset()
            layer.collectsStatistics = on
        }
    }

    public func trainingStatistics() -> [ActivationStatistics] { dense.dropLast().map(\.statistics.statistics) }

    // MARK: - The passes

    /// Training mode when `dropout` holds a generator, evaluation mode when it is nil.
    private func forward(dropout: inout SeededGenerator?) {
        var input = UnsafePointer(batchInput)
        for layer in dense {
            layer.forward(input, rows: batchRows, dropout: &dropout)
            input = UnsafePointer(layer.result)
        }
    }

    /// The head on the output layer's logits, into ``predictions``; with `gradient`, also
    /// writes ∂loss/∂logits into the output layer's `delta`.
    private func headPass(gradient: Bool) -> (loss: Double, correct: Double) {
        let out = dense[dense.count - 1]
        return head.evaluate(out.output, batchTargets, rows: batchRows, cols: out.outputs, predictions: predictions,
                             gradient: gradient ? out.delta : nil)
    }

    private func backward() {
        for i in stride(from: dense.count - 1, through: 0, by: -1) {
            let input = i == 0 ? UnsafePointer(batchInput) : UnsafePointer(dense[i - 1].result)
            dense[i].backward(input, inputGradient: i == 0 ? nil : dense[i - 1].delta)
        }
    }

    // MARK: - Batches

    /// Copies the rows `indices` of row-major `features` (and of `targets`, when given) into the
    /// batch buffers: the one copy behind training steps, evaluation and prediction.
    private func gather(_ features: [Float], _ targets: [Float]?, _ indices: some Collection<Int>) {
        let d = inputs, k = outputs, rows = indices.count
        precondition(rows <= capacity, "batch of \(rows) exceeds capacity \(capacity)")
        batchRows = rows
        // Element by element: rows of a few values are copied faster than memmove is called.
        features.withUnsafeBufferPointer { f in
            for (r, i) in indices.enumerated() {
                let from = f.baseAddress! + i * d, to = batchInput + r * d
                for c in 0..<d { to[c] = from[c] }
            }
        }
        guard let targets else { return }
        targets.withUnsafeBufferPointer { t in
            for (r, i) in indices.enumerated() {
                let from = t.baseAddress! + i * k, to = batchTargets + r * k
                for c in 0..<k { to[c] = from[c] }
            }
        }
    }
}
