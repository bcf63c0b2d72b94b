import Datasets
import Foundation
internal import WideLanes

/// Eight `Float`s, one per model: lane k of every value in a ``LockstepNetwork`` is model k's.
typealias Lanes = SIMD8<Float>

/// Up to eight fused networks of one shape side by side, model k in SIMD lane k of every
/// weight, moment, activation and gradient: one pass of each loop steps them all.
///
/// Every lane does exactly the arithmetic the fused ``Network`` does for its model, in the
/// same order (the products' running sums, the four partial sums of the one-logit outputs
/// and the input gradients, the optimiser's four partial sums of g²), so a model trained here
/// has, bit for bit, the curve it has alone (`LockstepTests`). Nothing crosses lanes: a model
/// that diverges or stops leaves the others as they were.
///
/// One allocation holds everything, made once; a step allocates nothing.
final class LockstepNetwork {
    static let width = Lanes.scalarCount

    /// One trainable tensor's lanes: values, gradient and the optimiser's two moments.
    struct Tensor {
        let count: Int
        let values, gradients, moments1, moments2: UnsafeMutablePointer<Lanes>
    }

    /// One dense layer: its weight and bias (indices into ``tensors``) and its buffers.
    struct Layer {
        let inputs, outputs: Int
        let activation: Activation
        let weight, bias: Int
        /// `x·W + b`, `f(x·W + b)` (the same buffer for identity) and ∂loss/∂output.
        let linear, output, delta: UnsafeMutablePointer<Lanes>
    }

    let inputs: Int
    let outputs: Int
    let head: Head
    let capacity: Int
    let layers: [Layer]
    /// In the order of ``TrainingEngine/parameters``: each layer's weight, then its bias.
    let tensors: [Tensor]
    private let input, targets: UnsafeMutablePointer<Lanes>
    /// Every model's parameters and buffers, and one model's head and statistics buffers.
    private let arena: Arena<Lanes>, modelFloats: Arena<Float>
    /// One model's logits, targets, predictions and ∂loss/∂logits, for its head.
    private let logits, target, predictions, gradient: UnsafeMutablePointer<Float>
    /// One model's hidden outputs, for its activation statistics.
    private let scratch: UnsafeMutablePointer<Float>
    /// A hidden layer's per-unit Σy, Σy² and saturated count over a pass's rows, every lane at
    /// once (``sumUnits(_:)``), and one lane's of them.
    private let unitSums: UnsafeMutablePointer<Lanes>
    private let laneSums: UnsafeMutablePointer<Float>
    private(set) var rows = 0

    /// A network of `shape`'s layers for batches of up to `capacity` rows, all lanes zero.
    init(shape: Network, capacity: Int) {
        inputs = shape.inputs
        outputs = shape.outputs
        head = shape.head
        self.capacity = capacity
        let dense = shape.dense
        let widest = dense.map(\.outputs).max() ?? 0
        var size = capacity * (inputs + outputs) + 3 * widest
        for layer in dense {
            size += 4 * (layer.inputs * layer.outputs + layer.outputs) + capacity * layer.outputs * (layer.activation == .identity ? 2 : 3)
        }
        let arena = Arena(count: size, zero: Lanes())
        self.arena = arena
        func take(_ n: Int) -> UnsafeMutablePointer<Lanes> { arena.take(n) }
        var tensors: [Tensor] = []
        func tensor(_ n: Int) -> Int {
            tensors.append(Tensor(count: n, values: take(n), gradients: take(n), moments1: take(n), moments2: take(n)))
            return tensors.count - 1
        }
        let layers = dense.map { layer in
            let weight = tensor(layer.inputs * layer.outputs), bias = tensor(layer.outputs)
            let linear = take(capacity * layer.outputs)
            let output = layer.activation == .identity ? linear : take(capacity * layer.outputs)
            return Layer(inputs: layer.inputs, outputs: layer.outputs, activation: layer.activation, weight: weight, bias: bias,
                         linear: linear, output: output, delta: take(capacity * layer.outputs))
        }
        self.layers = layers
        self.tensors = tensors
        input = take(capacity * inputs)
        targets = take(capacity * outputs)
        unitSums = take(3 * widest)
        let floats = Arena(count: 4 * capacity * outputs + capacity * widest + 3 * widest)
        modelFloats = floats
        (logits, target) = (floats.take(capacity * outputs), floats.take(capacity * outputs))
        (predictions, gradient) = (floats.take(capacity * outputs), floats.take(capacity * outputs))
        scratch = floats.take(capacity * widest)
        laneSums = floats.take(3 * widest)
    }

    // MARK: - Models in and out

    /// Copies a model's values and moments into `lane`.
    func load(_ model: Network, lane: Int) {
        for (t, p) in zip(tensors, model.parameters) {
            for i in 0..<t.count {
                t.values[i][lane] = p.values[i]
                t.moments1[i][lane] = p.moments1[i]
                t.moments2[i][lane] = p.moments2[i]
            }
        }
    }

    /// Copies `lane`'s values and moments into a model, marking the moments `optimizer` used.
    func store(lane: Int, into model: Network, optimizer: Optimizer) {
        for (t, p) in zip(tensors, model.parameters) {
            for i in 0..<t.count {
                p.values[i] = t.values[i][lane]
                p.moments1[i] = t.moments1[i][lane]
                p.moments2[i] = t.moments2[i][lane]
            }
        }
        optimizer.markMoments(of: model.parameters)
    }

    /// Copies the rows `indices` of a model's data (features and targets) into `lane`.
    func gather(_ features: [Float], _ targets: [Float], _ indices: some Collection<Int>, lane: Int) {
        let d = inputs, k = outputs
        precondition(indices.count <= capacity, "batch of \(indices.count) exceeds capacity \(capacity)")
        rows = indices.count
        features.withUnsafeBufferPointer { f in
            targets.withUnsafeBufferPointer { t in
                for (r, i) in indices.enumerated() {
                    for c in 0..<d { input[r * d + c][lane] = f[i * d + c] }
                    for c in 0..<k { self.targets[r * k + c][lane] = t[i * k + c] }
                }
            }
        }
    }

    // MARK: - The passes

    /// Every layer forward on the gathered rows, in training mode.
    func forward() {
        var x = UnsafePointer(input)
        for layer in layers {
            if VectorLanes.wide {
                WideLanes.lockstepForward(x: x, w: tensors[layer.weight].values, b: tensors[layer.bias].values, a: layer.linear,
                                          rows: rows, inputs: layer.inputs, outputs: layer.outputs)
            } else {
                LockstepKernels.forward(x: x, w: tensors[layer.weight].values, b: tensors[layer.bias].values, a: layer.linear,
                                        rows: rows, inputs: layer.inputs, outputs: layer.outputs)
            }
            if layer.output != layer.linear {
                layer.activation.forward(floats(layer.linear), floats(layer.output), count: rows * layer.outputs * Self.width)
            }
            x = UnsafePointer(layer.output)
        }
    }

    /// The head on `lane`'s logits: its loss and accuracy, the predictions, and (with
    /// `gradient`) ∂loss/∂logits into the output layer's delta.
    func headPass(lane: Int, gradient withGradient: Bool = true) -> BatchResult {
        let out = layers[layers.count - 1], n = rows * outputs
        for e in 0..<n { logits[e] = out.output[e][lane]; target[e] = targets[e][lane] }
        let r = head.evaluate(logits, target, rows: rows, cols: outputs, predictions: predictions, gradient: withGradient ? gradient : nil)
        if withGradient { for e in 0..<n { out.delta[e][lane] = gradient[e] } }
        return BatchResult(loss: r.loss, correct: r.correct)
    }

    /// Each lane of `lanes` on its own data set (all of one size) in evaluation mode, in the
    /// chunks ``Network/evaluate(_:collectStatistics:)`` takes, each lane's sums in its order:
    /// its evaluation, bit for bit.
    func evaluate(_ lanes: [(lane: Int, data: Dataset)], collectStatistics: Bool) -> [Evaluation] {
        guard let count = lanes.first?.data.count else { return [] }
        let hidden = layers.dropLast()
        var loss = [Double](repeating: 0, count: lanes.count), correct = loss
        var scores = lanes.map { _ in TaskScores.Accumulator(head: head, outputs: outputs, samples: count) }
        var statistics = lanes.map { _ in hidden.map { ActivationAccumulator(activation: $0.activation, units: $0.outputs) } }
        for start in stride(from: 0, to: count, by: capacity) {
            let range = start..<min(start + capacity, count)
            for (lane, data) in lanes { gather(data.features, data.targets, range, lane: lane) }
            forward()
            for (m, (lane, data)) in lanes.enumerated() {
                let r = headPass(lane: lane, gradient: false)
                loss[m] += r.loss
                correct[m] += r.correct
                TaskScores.gather(head: head, predictions: UnsafeBufferPointer(start: predictions, count: range.count * outputs),
                                  targets: data.targets[(range.lowerBound * outputs)..<(range.upperBound * outputs)],
                                  rows: range.count, cols: outputs, into: &scores[m])
            }
            guard collectStatistics else { continue }
            for (l, layer) in hidden.enumerated() {
                if statistics[0][l].takesUnitSums { sumUnits(layer) }
                for (m, (lane, _)) in lanes.enumerated() { add(lane: lane, of: layer, to: &statistics[m][l]) }
            }
        }
        let n = Double(max(count, 1))
        return lanes.indices.map { m in
            Evaluation(loss: loss[m] / n, accuracy: head.isRegression ? nil : correct[m] / n,
                       statistics: collectStatistics ? statistics[m].map(\.statistics) : [], scores: scores[m].scores)
        }
    }

    /// Zeroes `lane`'s ∂loss/∂logits: a lane without a model, or whose model stopped, learns
    /// nothing from the step.
    func silence(lane: Int) {
        let out = layers[layers.count - 1]
        for e in 0..<(rows * outputs) { out.delta[e][lane] = 0 }
    }

    /// Adds the hidden outputs of this pass to the activation statistics of the models in the
    /// lanes `lanes` marks (lane k's model is `models[k]`; the layers collecting), as their own
    /// forward passes would.
    func addStatistics(lanes: SIMDMask<SIMD8<Int32>>, models: [Network]) {
        for (i, layer) in layers.dropLast().enumerated() {
            var first: Int?
            for k in 0..<Self.width where lanes[k] && models[k].dense[i].collectsStatistics { first = k; break }
            guard let first else { continue }
            if models[first].dense[i].statistics.takesUnitSums { sumUnits(layer) }
            for k in first..<Self.width where lanes[k] && models[k].dense[i].collectsStatistics {
                add(lane: k, of: layer, to: &models[k].dense[i].statistics)
            }
        }
    }

    /// Sums `layer`'s outputs of this pass per unit over the rows, every lane at once, into
    /// ``unitSums``: Σy, Σy² and the outputs in the activation's saturated band, each over the
    /// rows in order, as ``ActivationAccumulator/add(_:rows:kernel:)`` sums one model's.
    private func sumUnits(_ layer: Layer) {
        let n = layer.outputs, band = ActivationAccumulator.saturation(of: layer.activation)
        for j in 0..<n {
            var s = Lanes(), q = Lanes(), t = Lanes()
            for r in 0..<rows {
                let v = layer.output[r * n + j]
                s += v
                q += v * v
                if let band {
                    let d = v - band.center
                    t = t.replacing(with: t + 1, where: d .> band.bound .| d .< -band.bound)
                }
            }
            unitSums[j] = s
            unitSums[n + j] = q
            unitSums[2 * n + j] = t
        }
    }

    /// Adds `lane`'s outputs of `layer` in this pass to `statistics`: from the units' sums
    /// (``sumUnits(_:)``, taken for every lane at once) where they determine the statistics,
    /// from the lane's outputs copied out otherwise.
    private func add(lane: Int, of layer: Layer, to statistics: inout ActivationAccumulator) {
        let n = layer.outputs
        func copyOut() -> UnsafePointer<Float> {
            for e in 0..<(rows * n) { scratch[e] = layer.output[e][lane] }
            return UnsafePointer(scratch)
        }
        guard statistics.takesUnitSums else { return statistics.add(copyOut(), rows: rows, kernel: .fused) }
        for j in 0..<(3 * n) { laneSums[j] = unitSums[j][lane] }
        statistics.add(rows: rows, unitSums: laneSums, outputs: copyOut)
    }

    /// Back-propagates the output layer's delta: every tensor's gradient.
    func backward() {
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[l]
            layer.activation.backward(floats(layer.linear), floats(layer.output), floats(layer.delta), count: rows * layer.outputs * Self.width)
            let x = l == 0 ? UnsafePointer(input) : UnsafePointer(layers[l - 1].output), dx = l == 0 ? nil : layers[l - 1].delta
            let (w, gw, gb) = (UnsafePointer(tensors[layer.weight].values), tensors[layer.weight].gradients, tensors[layer.bias].gradients)
            if VectorLanes.wide {
                WideLanes.lockstepBackward(x: x, d: layer.delta, w: w, gw: gw, gb: gb, dx: dx, rows: rows, inputs: layer.inputs, outputs: layer.outputs)
            } else {
                LockstepKernels.backward(x: x, d: layer.delta, w: w, gw: gw, gb: gb, dx: dx, rows: rows, inputs: layer.inputs, outputs: layer.outputs)
            }
        }
    }

    /// One optimiser step on every tensor, each lane at its own rate and step count; Σg² of
    /// each tensor's gradient, lane by lane, into `squares[tensor]`.
    func update(_ optimizer: Optimizer, rates: Lanes, steps: SIMD8<Int32>, squares: inout [Lanes]) {
        for (i, t) in tensors.enumerated() {
            squares[i] = LockstepOptimizer.update(optimizer, t, rates: rates, steps: steps)
        }
    }

    /// `Σ g²` of `lane`'s gradient of tensor `t` in `Double`, for a `Float` sum that overflowed
    /// (as ``Kernels/sumOfSquares(_:count:)`` measures it again).
    func squaredGradient(_ t: Int, lane: Int) -> Double {
        let g = tensors[t].gradients
        var sum = 0.0
        for i in 0..<tensors[t].count { sum += Double(g[i][lane]) * Double(g[i][lane]) }
        return sum
    }

    private func floats(_ p: UnsafeMutablePointer<Lanes>) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
    }
}
