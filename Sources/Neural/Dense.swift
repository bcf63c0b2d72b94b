import Datasets

/// A fully connected layer: `a = x·W + b`, optional batch normalisation of `a`, an activation
/// `z = f(·)`, and optional inverted dropout on `z` while training.
///
/// Its parameters and buffers are spans of the network's ``Arena``, made once for ``capacity``
/// rows, so a training step allocates nothing; its products run on its ``kernel``.
public final class Dense {
    public let inputs: Int
    public let outputs: Int
    public let activation: Activation
    /// The probability of dropping a unit's output while training (0 = no dropout).
    public let dropout: Float
    /// `inputs × outputs`, row-major.
    public let weight: Parameter
    public let bias: Parameter
    let batchNorm: BatchNorm?
    let capacity: Int
    /// BLAS products, or the fused loops (``LayerKernel``).
    public let kernel: LayerKernel
    /// `x·W + b` of the last forward pass.
    private let linear: UnsafeMutablePointer<Float>
    /// The activation's input: `linear`, or its batch-normalised form.
    private let activationInput: UnsafeMutablePointer<Float>
    /// `f(activation input)`, before dropout.
    let output: UnsafeMutablePointer<Float>
    /// The output after dropout, and the dropout mask (0 or 1/(1 − p)).
    private let dropped: UnsafeMutablePointer<Float>
    private let mask: UnsafeMutablePointer<Float>
    /// ∂loss/∂output for the current batch, filled by the layer above or the head.
    let delta: UnsafeMutablePointer<Float>
    /// The fused backward step's `Wᵀ` (`outputs × inputs`); empty on BLAS.
    private let transposedWeight: UnsafeMutablePointer<Float>
    var statistics: ActivationAccumulator
    var collectsStatistics = false

    /// The floats a layer takes from its network's arena.
    static func floats(inputs: Int, outputs: Int, batchNorm: Bool, dropout: Float, capacity: Int, kernel: LayerKernel) -> Int {
        let buffers = capacity * outputs * (3 + (batchNorm ? 1 : 0) + (dropout > 0 ? 2 : 0)) + (kernel == .fused ? inputs * outputs : 0)
        return buffers + Parameter.floats(inputs * outputs) + Parameter.floats(outputs) + (batchNorm ? 2 * Parameter.floats(outputs) : 0)
    }

    init(inputs: Int, outputs: Int, activation: Activation, batchNorm: Bool, dropout: Float,
         initializer: Initializer, capacity: Int, kernel: LayerKernel, arena: Arena<Float>, rng: inout SeededGenerator) {
        self.kernel = kernel
        self.inputs = inputs
        self.outputs = outputs
        self.activation = activation
        self.dropout = dropout
        self.capacity = capacity
        var w = [Float](repeating: 0, count: inputs * outputs)
        initializer.fill(&w, fanIn: inputs, fanOut: outputs, using: &rng)
        weight = Parameter(name: "weight", shape: [inputs, outputs], value: w, regularized: true, arena: arena)
        bias = Parameter(name: "bias", shape: [outputs], value: [Float](repeating: 0, count: outputs), regularized: false, arena: arena)
        self.batchNorm = batchNorm ? BatchNorm(units: outputs, capacity: capacity, arena: arena) : nil
        let span = capacity * outputs
        linear = arena.take(span)
        activationInput = batchNorm ? arena.take(span) : linear
        output = arena.take(span)
        dropped = dropout > 0 ? arena.take(span) : output
        mask = dropout > 0 ? arena.take(span) : output
        delta = arena.take(span)
        transposedWeight = arena.take(kernel == .fused ? inputs * outputs : 0)
        statistics = ActivationAccumulator(activation: activation, units: outputs)
    }

    /// The trainable parameters: weight, bias, and batch norm's γ and β when present.
    public var parameters: [Parameter] {
        [weight, bias] + (batchNorm.map { [$0.gamma, $0.beta] } ?? [])
    }

    /// What the next layer reads after a forward pass in training mode (`training`) or in
    /// evaluation mode: the outputs after dropout when dropout applied.
    func result(training: Bool) -> UnsafeMutablePointer<Float> { training && dropout > 0 ? dropped : output }

    /// Runs this worker's share of the layer on `rows` rows of `input`: in training mode (batch
    /// statistics, dropout drawn from `rng`) or in evaluation mode.
    ///
    /// With several workers the layer's units are split between them (``Share/columns(of:)``),
    /// on BLAS and in the fused loops; what needs every unit — batch norm, dropout's draws in
    /// order, the activation statistics — runs on the first worker, the only one given `rng`.
    /// With one worker (``Share/whole``) this is the whole layer.
    func forward(_ input: UnsafePointer<Float>, rows: Int, training: Bool, share: Share = .whole, dropout rng: inout SeededGenerator?) {
        precondition(rows <= capacity, "batch of \(rows) exceeds the layer's \(capacity) rows")
        let n = outputs
        let cols = share.columns(of: n), c0 = cols.lowerBound
        if !cols.isEmpty {
            if kernel == .fused {
                Kernels.forward(x: input, w: weight.values, b: bias.values, a: linear, rows: rows, inputs: inputs, outputs: n, columns: cols)
            } else {
                // Each row starts as the bias; the product adds x·W to it (β = 1), so no pass adds b.
                for r in 0..<rows { (linear + r * n + c0).update(from: bias.values + c0, count: cols.count) }
                BLAS.gemm(input, rows: rows, cols: inputs, weight.values + c0, rows: inputs, cols: cols.count, ldb: n,
                          into: linear + c0, ldc: n, beta: 1)
            }
        }
        if batchNorm != nil || collectsStatistics || (training && dropout > 0) {
            share.barrier()
            if share.isFirst { finishForward(rows: rows, training: training, dropout: &rng) }
        } else if share.hasWhole(cols, of: n) {
            activation.forward(linear, output, count: rows * n)
        } else if !cols.isEmpty {
            for r in 0..<rows { activation.forward(linear + r * n + c0, output + r * n + c0, count: cols.count) }
        }
    }

    /// Everything after the product, over every unit: batch norm, the activation (with its
    /// statistics when collected), dropout.
    private func finishForward(rows: Int, training: Bool, dropout rng: inout SeededGenerator?) {
        let n = outputs
        batchNorm?.forward(linear, activationInput, rows: rows, training: training)
        if collectsStatistics {
            statistics.forward(activationInput, output, rows: rows, kernel: kernel)
        } else {
            activation.forward(activationInput, output, count: rows * n)
        }
        guard training && dropout > 0 else { return }
        let keep = 1 - dropout, scale = 1 / keep
        for i in 0..<(rows * n) {
            mask[i] = rng!.nextUnit() < Double(keep) ? scale : 0
            dropped[i] = output[i] * mask[i]
        }
    }

    /// This worker's share of back-propagating ``delta`` (∂loss/∂output) through the last
    /// training pass of `rows` rows, whose input was `input`: sets its columns of the parameters'
    /// gradients and, when asked, once every worker's delta is in (a barrier), writes its columns
    /// of ∂loss/∂input — the units of the layer below it owns — into `inputGradient`.
    func backward(_ input: UnsafePointer<Float>, rows: Int, inputGradient: UnsafeMutablePointer<Float>?, share: Share = .whole) {
        let n = outputs
        let cols = share.columns(of: n), c0 = cols.lowerBound
        if batchNorm != nil || dropout > 0 {
            if share.isFirst { backwardThroughActivation(rows: rows) }
            share.barrier()
        } else if share.hasWhole(cols, of: n) {
            activation.backward(linear, output, delta, count: rows * n)
        } else if !cols.isEmpty {
            for r in 0..<rows { activation.backward(linear + r * n + c0, output + r * n + c0, delta + r * n + c0, count: cols.count) }
        }
        if !cols.isEmpty {
            if kernel == .fused {
                Kernels.weightGradients(x: input, d: delta, gw: weight.gradients, gb: bias.gradients, rows: rows, inputs: inputs,
                                        outputs: n, columns: cols)
            } else {
                BLAS.gemm(input, rows: rows, cols: inputs, transposeA: true, delta + c0, rows: rows, cols: cols.count, ldb: n,
                          into: weight.gradients + c0, ldc: n)
                BLAS.columnSums(delta + c0, rows: rows, cols: cols.count, ld: n, into: bias.gradients + c0)
            }
        }
        guard let inputGradient else { return }
        share.barrier()
        let k = share.columns(of: inputs)
        guard !k.isEmpty else { return }
        if kernel == .fused {
            Kernels.inputGradient(d: delta, w: weight.values, wt: transposedWeight, dx: inputGradient, rows: rows, inputs: inputs,
                                  outputs: n, columns: k)
        } else {
            BLAS.gemm(delta, rows: rows, cols: n, weight.values + k.lowerBound * n, rows: k.count, cols: n, transposeB: true,
                      into: inputGradient + k.lowerBound, ldc: inputs)
        }
    }

    /// ``delta`` taken back through dropout, the activation and batch norm, over every unit.
    private func backwardThroughActivation(rows: Int) {
        let count = rows * outputs
        if dropout > 0 { for i in 0..<count { delta[i] *= mask[i] } }
        activation.backward(activationInput, output, delta, count: count)
        batchNorm?.backward(delta, rows: rows)
    }
}
