import Foundation
import Datasets

/// How a layer's weights start (biases always start at 0).
public enum Initializer: Sendable, Hashable, TextCodable {
    /// All weights 0: every hidden unit of a layer then computes the same thing and receives the
    /// same gradient, forever (the symmetry problem).
    case zeros
    /// Uniform in [−a, a] (default a = 0.5, the TensorFlow Playground's range).
    case uniform(Float = 0.5)
    /// Normal with mean 0 and the given standard deviation (default 0.01).
    case normal(std: Float = 0.01)
    /// Glorot/Xavier uniform: U(±√(6 / (fan_in + fan_out))), for tanh and sigmoid.
    case xavier
    /// He/Kaiming normal: N(0, 2 / fan_in), for the ReLU family.
    case he

    public static let names = ["zeros", "uniform", "uniform(a)", "normal", "normal(std)", "xavier", "glorot", "he", "kaiming"]

    public init?(parsing text: String) {
        guard let parsed = ParameterizedName(text) else { return nil }
        switch parsed.name {
        case "zeros", "zero": guard parsed.arguments.isEmpty else { return nil }; self = .zeros
        case "uniform":
            guard let a = parsed.arguments(defaults: [0.5]), a[0] > 0 else { return nil }
            self = .uniform(a[0])
        case "normal":
            guard let a = parsed.arguments(defaults: [0.01]), a[0] > 0 else { return nil }
            self = .normal(std: a[0])
        case "xavier", "glorot": guard parsed.arguments.isEmpty else { return nil }; self = .xavier
        case "he", "kaiming": guard parsed.arguments.isEmpty else { return nil }; self = .he
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .zeros: "zeros"
        case .uniform(let a): formatName("uniform", [a], defaults: [0.5])
        case .normal(let s): formatName("normal", [s], defaults: [0.01])
        case .xavier: "xavier"
        case .he: "he"
        }
    }

    /// Fills `weights` for a layer with `fanIn` inputs and `fanOut` outputs.
    func fill(_ weights: inout [Float], fanIn: Int, fanOut: Int, using rng: inout SeededGenerator) {
        switch self {
        case .zeros:
            for i in weights.indices { weights[i] = 0 }
        case .uniform(let a):
            for i in weights.indices { weights[i] = Float(rng.uniform(-Double(a), Double(a))) }
        case .normal(let std):
            for i in weights.indices { weights[i] = Float(Double(std) * rng.normal()) }
        case .xavier:
            let limit = (6.0 / Double(fanIn + fanOut)).squareRoot()
            for i in weights.indices { weights[i] = Float(rng.uniform(-limit, limit)) }
        case .he:
            let std = (2.0 / Double(fanIn)).squareRoot()
            for i in weights.indices { weights[i] = Float(std * rng.normal()) }
        }
    }
}
