import Foundation
import Tracking
import Yams

extension SweepSpec {
    static let topKeys = ["method", "metric", "parameters", "run_cap", "count", "name", "description", "seed"]
    static let parameterKeys = ["value", "values", "distribution", "min", "max"]
    static let distributions = ["constant", "categorical", "uniform", "log_uniform_values", "int_uniform"]

    /// Parses a spec file's text. `source` names the file in messages.
    ///
    /// Everything is checked before anything runs: unknown keys, unknown options and
    /// distributions, empty `values`, `min > max`, grid search over a distribution, random
    /// search without a count. Errors name the line and the key.
    public static func parse(yaml: String, source: String) throws(SweepSpecError) -> SweepSpec {
        func fail(_ node: Node?, _ message: String) -> SweepSpecError {
            SweepSpecError(source: source, line: node?.mark?.line, message: message)
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else { throw fail(nil, "the file is empty; expected method and parameters") }
            root = node
        } catch let error as SweepSpecError {
            throw error
        } catch {
            throw SweepSpecError(source: source, line: nil, message: "not valid YAML: \(YAMLBudget.message(error))")
        }
        guard YAMLBudget.expandedSize(of: root) != nil else {
            throw fail(nil, "the file expands to more than \(YAMLBudget.maxValues) values through its anchors and aliases; refusing to expand it")
        }
        guard let top = root.mapping else { throw fail(root, "expected a mapping with method, metric and parameters") }
        var method = Method.grid, metric = "test_loss", goal: String?, count: Int?, seed: UInt64 = 1
        var parameters: [(String, Parameter)] = []
        for (keyNode, value) in top {
            guard let key = keyNode.string else { throw fail(keyNode, "expected a key") }
            switch key {
            case "method":
                guard let m = value.string.flatMap(Method.init(rawValue:)) else {
                    throw fail(value, "method '\(value.string ?? "")': expected grid or random")
                }
                method = m
            case "metric":
                if let name = value.string {
                    metric = name
                } else if let map = value.mapping {
                    for (k, v) in map {
                        switch k.string {
                        case "name": metric = v.string ?? ""
                        case "goal": goal = v.string
                        default: throw fail(k, "unknown key 'metric.\(k.string ?? "")': expected name and goal")
                        }
                    }
                }
                guard metrics.contains(metric) else {
                    throw fail(value, "metric '\(metric)': expected one of \(metrics.joined(separator: ", "))")
                }
                if let g = goal, Goal(rawValue: g) == nil {
                    throw fail(value, "metric goal '\(g)': expected \(Goal.allCases.map(\.rawValue).joined(separator: " or "))")
                }
            case "run_cap", "count":
                guard let n = value.int, n > 0 else { throw fail(value, "\(key) '\(value.string ?? "")': expected a positive whole number") }
                count = n
            case "seed":
                guard let n = value.int, n >= 0 else { throw fail(value, "seed '\(value.string ?? "")': expected a whole number ≥ 0") }
                seed = UInt64(n)
            case "name", "description":
                break
            case "parameters":
                guard let map = value.mapping, !map.isEmpty else { throw fail(value, "parameters: expected a mapping of option names") }
                for (k, v) in map {
                    guard let name = k.string else { throw fail(k, "expected an option name") }
                    let sweepable = RunOption.all.filter(\.isSweepable).map(\.key)
                    guard let option = RunOption.named(name)?.key, sweepable.contains(option) else {
                        throw fail(k, "unknown option 'parameters.\(name)': expected one of \(sweepable.joined(separator: ", "))")
                    }
                    parameters.append((option, try parameter(v, name: name, fail: fail)))
                }
            default:
                throw fail(keyNode, "unknown key '\(key)': expected one of \(topKeys.joined(separator: ", "))")
            }
        }
        guard !parameters.isEmpty else { throw fail(root, "no parameters: expected at least one option under 'parameters'") }
        if method == .grid {
            for (name, p) in parameters {
                switch p {
                case .value, .values: continue
                default: throw fail(top[Node(name)] ?? root, "parameters.\(name): grid search needs 'values' or 'value', not a distribution")
                }
            }
        } else if count == nil {
            throw fail(root, "random search needs 'count' (or 'run_cap'): how many configurations to draw")
        }
        let spec = SweepSpec(method: method, metric: metric, goal: goal.flatMap(Goal.init(rawValue:)), parameters: parameters,
                             count: count, seed: seed)
        do { try spec.checkSize() } catch { throw SweepSpecError(source: source, line: nil, message: error.message) }
        return spec
    }

    private static func parameter(_ node: Node, name: String,
                                  fail: (Node?, String) -> SweepSpecError) throws(SweepSpecError) -> Parameter {
        // A bare value or list is shorthand for `value:` or `values:`.
        if let list = node.sequence { return try values(list.map { $0 }, node, name, fail: fail) }
        guard let map = node.mapping else { return .value(scalar(node)) }
        var fields: [String: Node] = [:]
        for (k, v) in map {
            guard let key = k.string, parameterKeys.contains(key) else {
                throw fail(k, "unknown key 'parameters.\(name).\(k.string ?? "")': expected one of \(parameterKeys.joined(separator: ", "))")
            }
            fields[key] = v
        }
        let distribution = fields["distribution"]?.string
        if let d = distribution, !distributions.contains(d) {
            throw fail(fields["distribution"], "parameters.\(name): unknown distribution '\(d)': expected one of \(distributions.joined(separator: ", "))")
        }
        if let v = fields["value"] { return .value(scalar(v)) }
        if let v = fields["values"] {
            guard let list = v.sequence else { throw fail(v, "parameters.\(name).values: expected a list") }
            return try values(list.map { $0 }, v, name, fail: fail)
        }
        guard let d = distribution else {
            throw fail(node, "parameters.\(name): expected 'value', 'values' or a 'distribution' with 'min' and 'max'")
        }
        guard let minNode = fields["min"], let maxNode = fields["max"], let lo = minNode.float, let hi = maxNode.float else {
            throw fail(node, "parameters.\(name): distribution '\(d)' needs numeric 'min' and 'max'")
        }
        guard lo.isFinite, hi.isFinite else { throw fail(node, "parameters.\(name): min and max must be finite numbers") }
        guard lo <= hi else { throw fail(minNode, "parameters.\(name): min \(scalar(minNode)) is greater than max \(scalar(maxNode))") }
        switch d {
        case "uniform": return .uniform(min: lo, max: hi)
        case "log_uniform_values":
            guard lo > 0 else { throw fail(minNode, "parameters.\(name): log_uniform_values needs min > 0, got \(scalar(minNode))") }
            return .logUniform(min: lo, max: hi)
        case "int_uniform":
            guard let a = minNode.int, let b = maxNode.int, a.magnitude <= 1 << 53, b.magnitude <= 1 << 53 else {
                throw fail(minNode, "parameters.\(name): int_uniform needs whole numbers within ±2^53")
            }
            return .intUniform(min: a, max: b)
        default:
            throw fail(node, "parameters.\(name): distribution '\(d)' needs 'values' (categorical) or 'value' (constant)")
        }
    }

    private static func values(_ list: [Node], _ node: Node, _ name: String,
                               fail: (Node?, String) -> SweepSpecError) throws(SweepSpecError) -> Parameter {
        guard !list.isEmpty else { throw fail(node, "parameters.\(name).values is empty: expected at least one value") }
        return .values(list.map(scalar))
    }

    /// A scalar's text; a list (e.g. layers [8, 8]) joined with commas.
    private static func scalar(_ node: Node) -> String {
        if let list = node.sequence { return list.map(scalar).joined(separator: ",") }
        return node.string ?? ""
    }
}
