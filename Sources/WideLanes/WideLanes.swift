/// `Neural`'s lane kernels (`LaneKernels.swift`, `LockstepKernels.swift`, `Lane+Math.swift`,
/// `Lane+Memory.swift`: links to the same files) compiled for eight lanes with AVX2 (x86-64;
/// elsewhere built plain and never called). `Neural` calls these only where its `VectorLanes`
/// found AVX2: nothing here may run before that check, not even to ask.
public enum WideLanes {
    /// `y[i] = tanh(x[i])` over the whole lanes of `count` values; returns how many it did.
    public static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) -> Int {
        LaneKernels.tanh(x, y, count: count)
    }

    /// `y[i] = σ(x[i])` over the whole lanes of `count` values; returns how many it did.
    public static func logistic(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) -> Int {
        LaneKernels.logistic(x, y, count: count)
    }

    /// A binary head's probabilities, gradients, loss and right answers over whole lanes.
    public static func binaryHead(_ z: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ p: UnsafeMutablePointer<Float>,
                                  _ g: UnsafeMutablePointer<Float>?, count: Int, scale: Float, loss: inout Double, right: inout Int) -> Int {
        LaneKernels.binaryHead(z, y, p, g, count: count, scale: scale, loss: &loss, right: &right)
    }

    /// The optimisers' updates (`LaneUpdates`), each returning Σg² in the four-lane order.
    public static func sgd(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ n: Int, lr: Float) -> Double {
        LaneUpdates.sgd(w, g, n, lr: lr)
    }

    public static func momentum(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                                _ n: Int, lr: Float, beta: Float) -> Double {
        LaneUpdates.momentum(w, g, m, n, lr: lr, beta: beta)
    }

    public static func nesterov(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                                _ n: Int, lr: Float, beta: Float) -> Double {
        LaneUpdates.nesterov(w, g, m, n, lr: lr, beta: beta)
    }

    public static func rmsprop(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ v: UnsafeMutablePointer<Float>,
                               _ n: Int, lr: Float, alpha: Float, eps: Float) -> Double {
        LaneUpdates.rmsprop(w, g, v, n, lr: lr, alpha: alpha, eps: eps)
    }

    public static func adam(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                            _ v: UnsafeMutablePointer<Float>, _ n: Int, stepSize: Float, inverseRoot2: Float, b1: Float, b2: Float,
                            eps: Float) -> Double {
        LaneUpdates.adam(w, g, m, v, n, stepSize: stepSize, inverseRoot2: inverseRoot2, b1: b1, b2: b2, eps: eps)
    }

    /// A `LockstepNetwork`'s forward product, eight models in the lanes.
    public static func lockstepForward(x: UnsafePointer<SIMD8<Float>>, w: UnsafePointer<SIMD8<Float>>, b: UnsafePointer<SIMD8<Float>>,
                                       a: UnsafeMutablePointer<SIMD8<Float>>, rows: Int, inputs: Int, outputs: Int) {
        LockstepKernels.forward(x: x, w: w, b: b, a: a, rows: rows, inputs: inputs, outputs: outputs)
    }

    /// A `LockstepNetwork`'s backward step, eight models in the lanes.
    public static func lockstepBackward(x: UnsafePointer<SIMD8<Float>>, d: UnsafePointer<SIMD8<Float>>, w: UnsafePointer<SIMD8<Float>>,
                                        gw: UnsafeMutablePointer<SIMD8<Float>>, gb: UnsafeMutablePointer<SIMD8<Float>>,
                                        dx: UnsafeMutablePointer<SIMD8<Float>>?, rows: Int, inputs: Int, outputs: Int) {
        LockstepKernels.backward(x: x, d: d, w: w, gw: gw, gb: gb, dx: dx, rows: rows, inputs: inputs, outputs: outputs)
    }

    /// `a[r, j] = b[j] + x[r, :]·w[:, j]` for the outputs `columns`.
    public static func forward(x: UnsafePointer<Float>, w: UnsafePointer<Float>, b: UnsafePointer<Float>, a: UnsafeMutablePointer<Float>,
                               rows: Int, inputs: Int, outputs: Int, columns: Range<Int>) {
        LaneKernels.forward(x: x, w: w, b: b, a: a, rows: rows, inputs: inputs, outputs: outputs, columns: columns)
    }

    /// `gw[:, j] = xᵀ·d[:, j]` and `gb[j] = Σ_r d[r, j]` for the outputs `columns`.
    public static func weightGradients(x: UnsafePointer<Float>, d: UnsafePointer<Float>, gw: UnsafeMutablePointer<Float>,
                                       gb: UnsafeMutablePointer<Float>, rows: Int, inputs: Int, outputs: Int, columns: Range<Int>) {
        LaneKernels.weightGradients(x: x, d: d, gw: gw, gb: gb, rows: rows, inputs: inputs, outputs: outputs, columns: columns)
    }

    /// `dx[r, i] = d[r, :]·w[i, :]` for the inputs `columns`, through `wt`.
    public static func inputGradient(d: UnsafePointer<Float>, w: UnsafePointer<Float>, wt: UnsafeMutablePointer<Float>,
                                     dx: UnsafeMutablePointer<Float>, rows: Int, inputs: Int, outputs: Int, columns: Range<Int>) {
        LaneKernels.inputGradient(d: d, w: w, wt: wt, dx: dx, rows: rows, inputs: inputs, outputs: outputs, columns: columns)
    }
}
