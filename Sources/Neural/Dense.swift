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

    /// Rows of the last forward pass.
    private(set) var rows = 0
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

    /// What the next layer reads: the output of the last forward pass, after dropout if it applied.
    var result: UnsafeMutablePointer<Float> { droppedLast ? dropped : output }
    private var droppedLast = false

    /// Runs the layer on `rows` rows of `input`: in training mode when a dropout generator is
    /// given (batch statistics, dropout), in evaluation mode otherwise.
    func forward(_ input: UnsafePointer<Float>, rows: Int, dropout rng: inout SeededGenerator?) {
        let training = rng != nil
        precondition(rows <= capacity, "batch of \(rows) exceeds the layer's \(capacity) rows")
        self.rows = rows
        let n = outputs
        if kernel == .fused {
            Kernels.forward(x: input, w: weight.values, b: bias.values, a: linear, rows: rows, inputs: inputs, outputs: n)
        } else {
            // Each row starts as the bias; the product adds x·W to it (β = 1), so no pass adds b.
            for r in 0..<rows { (linear + r * n).update(from: bias.values, count: n) }
            BLAS.gemm(input, rows: rows, cols: inputs, weight.values, rows: inputs, cols: n, into: linear, beta: 1)
        }
        batchNorm?.forward(linear, activationInput, rows: rows, training: training)
        if collectsStatistics {
            statistics.forward(activationInput, output, rows: rows, kernel: kernel)
        } else {
            activation.forward(activationInput, output, count: rows * n)
        }
        droppedLast = training && dropout > 0
        guard droppedLast else { return }
        let keep = 1 - dropout, scale = 1 / keep
        for i in 0..<(rows * n) {
            mask[i] = rng!.nextUnit() < Double(keep) ? scale : 0
            dropped[i] = output[i] * mask[i]
        }
    }

    /// Back-propagates ``delta`` (∂loss/∂output) through the last forward pass, whose input was
    /// `input`: sets the parameters' gradients and, when asked, writes ∂loss/∂input into
    /// `inputGradient`.
    func backward(_ input: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?) {
        let n = outputs, count = rows * n
        if droppedLast { for i in 0..<count { delta[i] *= mask[i] } }
        activation.backward(activationInput, output, delta, count: count)
        batchNorm?.backward(delta, rows: rows)
        if kernel == .fused {
            Kernels.backward(x: input, d: delta, w: weight.values, wt: transposedWeight, gw: weight.gradients, gb: bias.gradients,
                             dx: inputGradient, rows: rows, inputs: inputs, outputs: n)
            return
        }
        BLAS.gemm(input, rows: rows, cols: inputs, transposeA: true, delta, rows: rows, cols: n, into: weight.gradients)
        BLAS.columnSums(delta, rows: rows, cols: n, into: bias.gradients)
        if let inputGradient {
            BLAS.gemm(delta, rows: rows, cols: n, weight.values, rows: inputs, cols: n, transposeB: true, into: inputGradient)
        }
    }
}
