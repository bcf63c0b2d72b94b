import Datasets

/// A fully connected layer: `a = x·W + b`, optional batch normalisation of `a`, an activation
/// `z = f(·)`, and optional inverted dropout on `z` while training.
///
/// The layer owns every buffer it needs, made once for ``capacity`` rows, so a training step
/// allocates nothing.
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

    /// `x·W + b` of the last forward pass.
    private var linear: Matrix
    /// The activation's input: `linear`, or its batch-normalised form.
    private var normalized: Matrix
    /// `f(activation input)`, before dropout.
    private(set) var output: Matrix
    /// The output after dropout, and the dropout mask (0 or 1/(1 − p)).
    private var dropped: Matrix
    private var mask: Matrix
    /// ∂loss/∂output for the current batch, filled by the layer above or the head.
    var delta: Matrix
    var statistics: ActivationAccumulator
    var collectsStatistics = false

    init(inputs: Int, outputs: Int, activation: Activation, batchNorm: Bool, dropout: Float,
         initializer: Initializer, capacity: Int, rng: inout SeededGenerator) {
        self.inputs = inputs
        self.outputs = outputs
        self.activation = activation
        self.dropout = dropout
        self.capacity = capacity
        var w = [Float](repeating: 0, count: inputs * outputs)
        initializer.fill(&w, fanIn: inputs, fanOut: outputs, using: &rng)
        weight = Parameter(name: "weight", shape: [inputs, outputs], value: w, regularized: true)
        bias = Parameter(name: "bias", shape: [outputs], value: [Float](repeating: 0, count: outputs), regularized: false)
        self.batchNorm = batchNorm ? BatchNorm(units: outputs, capacity: capacity) : nil
        linear = Matrix(rows: 0, cols: outputs, capacity: capacity)
        normalized = Matrix(rows: 0, cols: batchNorm ? outputs : 0, capacity: capacity)
        output = Matrix(rows: 0, cols: outputs, capacity: capacity)
        dropped = Matrix(rows: 0, cols: dropout > 0 ? outputs : 0, capacity: capacity)
        mask = Matrix(rows: 0, cols: dropout > 0 ? outputs : 0, capacity: capacity)
        delta = Matrix(rows: 0, cols: outputs, capacity: capacity)
        statistics = ActivationAccumulator(activation: activation, units: outputs)
    }

    /// The trainable parameters: weight, bias, and batch norm's γ and β when present.
    public var parameters: [Parameter] {
        [weight, bias] + (batchNorm.map { [$0.gamma, $0.beta] } ?? [])
    }

    /// What the next layer reads: the output of the last forward pass, after dropout if it applied.
    var result: Matrix { droppedLast ? dropped : output }
    private var droppedLast = false

    /// Runs the layer on the rows of `input`: in training mode when a dropout generator is
    /// given (batch statistics, dropout), in evaluation mode otherwise.
    func forward(_ input: Matrix, dropout rng: inout SeededGenerator?) {
        let training = rng != nil
        let rows = input.rows
        precondition(rows <= capacity, "batch of \(rows) exceeds the layer's \(capacity) rows")
        linear.rows = rows; output.rows = rows; delta.rows = rows
        let n = outputs
        // Each row starts as the bias; the product adds x·W to it (β = 1), so no pass adds b.
        linear.storage.withUnsafeMutableBufferPointer { a in
            bias.value.withUnsafeBufferPointer { b in
                for r in 0..<rows { (a.baseAddress! + r * n).update(from: b.baseAddress!, count: n) }
            }
            input.storage.withUnsafeBufferPointer { x in
                weight.value.withUnsafeBufferPointer { w in
                    BLAS.gemm(x.baseAddress!, rows: rows, cols: inputs, w.baseAddress!, rows: inputs, cols: n,
                              into: a.baseAddress!, beta: 1)
                }
            }
        }
        if let batchNorm {
            normalized.rows = rows
            linear.storage.withUnsafeBufferPointer { a in
                normalized.storage.withUnsafeMutableBufferPointer { y in
                    batchNorm.forward(a.baseAddress!, y.baseAddress!, rows: rows, training: training)
                }
            }
        }
        withActivationInput { a in
            output.storage.withUnsafeMutableBufferPointer { z in
                activation.forward(a, z.baseAddress!, count: rows * n)
                if collectsStatistics {
                    statistics.add(UnsafePointer(z.baseAddress!), rows: rows)
                }
            }
        }
        droppedLast = training && dropout > 0
        guard droppedLast else { return }
        dropped.rows = rows; mask.rows = rows
        let keep = 1 - dropout, scale = 1 / keep
        mask.storage.withUnsafeMutableBufferPointer { m in
            dropped.storage.withUnsafeMutableBufferPointer { d in
                output.storage.withUnsafeBufferPointer { z in
                    for i in 0..<(rows * n) {
                        m[i] = rng!.nextUnit() < Double(keep) ? scale : 0
                        d[i] = z[i] * m[i]
                    }
                }
            }
        }
    }

    /// Back-propagates ``delta`` (∂loss/∂output) through the last forward pass, whose input was
    /// `input`: sets the parameters' gradients and, when asked, writes ∂loss/∂input into
    /// `inputGradient`.
    func backward(_ input: Matrix, inputGradient: UnsafeMutablePointer<Float>?) {
        let n = outputs, rows = input.rows
        delta.storage.withUnsafeMutableBufferPointer { dp in
            let d = dp.baseAddress!
            if droppedLast {
                mask.storage.withUnsafeBufferPointer { m in for i in 0..<(rows * n) { d[i] *= m[i] } }
            }
            withActivationInput { a in
                output.storage.withUnsafeBufferPointer { z in activation.backward(a, z.baseAddress!, d, count: rows * n) }
            }
            batchNorm?.backward(d, rows: rows)
            input.storage.withUnsafeBufferPointer { x in
                weight.gradient.withUnsafeMutableBufferPointer { gw in
                    BLAS.gemm(x.baseAddress!, rows: rows, cols: inputs, transposeA: true, d, rows: rows, cols: n,
                              into: gw.baseAddress!)
                }
            }
            bias.gradient.withUnsafeMutableBufferPointer { gb in BLAS.columnSums(d, rows: rows, cols: n, into: gb.baseAddress!) }
            if let inputGradient {
                weight.value.withUnsafeBufferPointer { w in
                    BLAS.gemm(d, rows: rows, cols: n, w.baseAddress!, rows: inputs, cols: n, transposeB: true,
                              into: inputGradient)
                }
            }
        }
    }

    private func withActivationInput<R>(_ body: (UnsafePointer<Float>) -> R) -> R {
        (batchNorm == nil ? linear : normalized).storage.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
