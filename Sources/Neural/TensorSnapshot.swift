/// One tensor of a network at a moment: a layer's weight, bias, batch-norm scale, shift or
/// running statistics.
public struct TensorSnapshot: Sendable, Equatable {
    /// 0 for the first hidden layer; the output layer comes last.
    public var layer: Int
    /// `weight`, `bias`, `gamma`, `beta`, `running_mean`, `running_var`.
    public var name: String
    public var shape: [Int]
    public var values: [Float]

    public init(layer: Int, name: String, shape: [Int], values: [Float]) {
        self.layer = layer
        self.name = name
        self.shape = shape
        self.values = values
    }
}

extension Dense {
    /// The layer's tensors, as layer `index` of its network.
    func snapshot(index i: Int) -> [TensorSnapshot] {
        var tensors = parameters.map { TensorSnapshot(layer: i, name: $0.name, shape: $0.shape, values: $0.value) }
        if let bn = batchNorm {
            tensors.append(TensorSnapshot(layer: i, name: "running_mean", shape: [bn.units], values: bn.runningMean))
            tensors.append(TensorSnapshot(layer: i, name: "running_var", shape: [bn.units], values: bn.runningVariance))
        }
        return tensors
    }
}

extension Network {
    /// Every tensor that determines the network's predictions, copied.
    public func snapshot() -> [TensorSnapshot] {
        dense.enumerated().flatMap { i, layer in layer.snapshot(index: i) }
    }

    /// Loads tensors taken by ``snapshot()`` from a network of the same shape.
    /// - Throws: ``TrainingError/incompatibleData(_:)`` naming the first tensor that does not fit.
    public func load(_ tensors: [TensorSnapshot]) throws(TrainingError) {
        for t in tensors {
            guard t.layer >= 0, t.layer < dense.count else {
                throw .incompatibleData("the snapshot has layer \(t.layer + 1) but the network has \(dense.count) layers")
            }
            let layer = dense[t.layer]
            if let p = layer.parameters.first(where: { $0.name == t.name }) {
                guard p.shape == t.shape else {
                    throw .incompatibleData("layer \(t.layer + 1) \(t.name) has shape \(t.shape) in the snapshot, \(p.shape) in the network")
                }
                p.set(t.values)
            } else if let bn = layer.batchNorm, t.name == "running_mean" || t.name == "running_var", t.values.count == bn.units {
                if t.name == "running_mean" { bn.setRunning(mean: t.values) } else { bn.setRunning(variance: t.values) }
            } else {
                throw .incompatibleData("layer \(t.layer + 1) has no tensor '\(t.name)' of shape \(t.shape)")
            }
        }
    }
}
