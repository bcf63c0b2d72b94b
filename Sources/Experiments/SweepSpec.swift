import Datasets
import Foundation
public import Tracking
import Yams

/// A sweep: which options vary and how, in the format Weights & Biases users already write.
///
/// ```yaml
/// method: grid            # or random
/// metric: {name: test_loss, goal: minimize}
/// parameters:
///   activation: {values: [relu, tanh, sigmoid]}
///   lr: {values: [0.3, 0.1, 0.03]}
///   seed: {values: [1, 2, 3]}
///   epochs: {value: 300}
/// ```
///
/// Random search draws `count` (or `run_cap`) configurations from `values` or from a
/// `distribution` (`uniform`, `log_uniform_values`, `int_uniform`, `categorical`, `constant`)
/// with `min`/`max`; the draws are fixed by the spec's `seed`.
public struct SweepSpec: Sendable, Equatable, Codable {
    public enum Method: String, Sendable, Codable { case grid, random }

    /// How one option varies.
    public enum Parameter: Sendable, Equatable, Codable {
        case value(String)
        case values([String])
        case uniform(min: Double, max: Double)
        case logUniform(min: Double, max: Double)
        case intUniform(min: Int, max: Int)
    }

    public var method: Method
    /// The metric that ranks runs (one of ``metrics``), and which way is better.
    public var metric: String
    public var goal: Goal
    /// Options by key (the long flag names of `gradbook run`), in the order they were given.
    public var parameters: [String: Parameter]
    public var order: [String]
    /// Draws for random search.
    public var count: Int?
    /// Fixes random search's draws.
    public var seed: UInt64

    /// The metrics a sweep can rank by.
    public static let metrics = [Metric.testLoss, .trainLoss, .testAccuracy, .trainAccuracy, .valLoss, .valAccuracy].map(\.name)

    public init(method: Method = .grid, metric: String = Metric.testLoss.name, goal: Goal? = nil,
                parameters: [(String, Parameter)], count: Int? = nil, seed: UInt64 = 1) {
        self.method = method
        self.metric = metric
        self.goal = goal ?? Metric.named(metric).goal
        self.parameters = Dictionary(parameters, uniquingKeysWith: { $1 })
        order = parameters.map(\.0)
        self.count = count
        self.seed = seed
    }

    /// The options that take more than one value (the sweep's axes), in order.
    public var axes: [String] {
        order.filter {
            switch parameters[$0]! {
            case .value: false
            case .values(let v): v.count > 1
            default: true
            }
        }
    }

    /// The most configurations a sweep may have: each is stored before the first run starts.
    public static let maxConfigurations = 100_000

    /// How many configurations ``expand()`` makes (saturating rather than overflowing).
    public var size: Int {
        if method == .random { return count ?? 0 }
        return order.reduce(1) { total, key in
            let n = if case .values(let v) = parameters[key]! { v.count } else { 1 }
            return total.multipliedReportingOverflow(by: n).overflow ? Int.max : total * n
        }
    }

    /// Refuses a sweep larger than ``maxConfigurations`` before anything is expanded.
    public func checkSize() throws(SweepSpecError) {
        guard size <= Self.maxConfigurations else {
            throw SweepSpecError(source: "the sweep", line: nil, message: "\(size == Int.max ? "more than \(Int.max)" : "\(size)") configurations; "
                                 + "at most \(Self.maxConfigurations) are allowed (use random search with a count, or fewer values)")
        }
    }

    /// Every configuration of the sweep, as option overrides: the grid's cartesian product
    /// (the last option varying fastest), or `count` random draws.
    public func expand() -> [RunSettings] {
        switch method {
        case .grid:
            var combos: [[String: String]] = [[:]]
            for key in order {
                let options: [String]
                switch parameters[key]! {
                case .value(let v): options = [v]
                case .values(let v): options = v
                default: options = []  // refused by validate()
                }
                combos = combos.flatMap { c in options.map { c.merging([key: $0]) { $1 } } }
            }
            return combos.map(RunSettings.init)
        case .random:
            var rng = SeededGenerator(seed: seed).derived(0x5EE9)
            return (0..<(count ?? 0)).map { _ in
                var values: [String: String] = [:]
                for key in order {
                    switch parameters[key]! {
                    case .value(let v): values[key] = v
                    case .values(let v): values[key] = v[rng.below(v.count)]
                    case let .uniform(lo, hi): values[key] = Self.format(rng.uniform(lo, hi))
                    case let .logUniform(lo, hi): values[key] = Self.format(exp(rng.uniform(log(lo), log(hi))))
                    case let .intUniform(lo, hi): values[key] = String(lo + rng.below(hi - lo + 1))
                    }
                }
                return RunSettings(values)
            }
        }
    }

    /// A draw written with 6 significant digits, as a user would type it.
    private static func format(_ x: Double) -> String {
        let s = String(format: "%.6g", x)
        return Double(s).map { "\($0)" } ?? s
    }
}
