import Foundation
extension SweepSpec {
    /// The main job's grid, for the options not fixed by a flag: every activation × every
    /// learning rate (`gradbook sweep` with no axis).
    public static let defaultGrid: [(key: String, values: [String])] = [
        ("activation", ["relu", "tanh", "sigmoid", "leaky_relu"]),
        ("lr", ["0.3", "0.1", "0.03", "0.01"]),
    ]

    /// The sweep the flags of `gradbook sweep` describe: an option given a list is an axis (split
    /// as ``RunOption/sweep`` says: `relu,tanh`, `8,8/16,16`); single values stay fixed. With no
    /// axis, the ``defaultGrid``. `playground` is never an axis (a link is the base of every run).
    public init(flags: RunSettings) {
        let parameters: [(String, Parameter)] = RunOption.all.filter(\.isSweepable).compactMap { option in
            guard let text = flags.values[option.key] else { return nil }
            let alternatives = text.split(separator: option.sweep == .slash ? "/" : ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return (option.key, alternatives.count > 1 ? .values(alternatives) : .value(text))
        }
        self.init(parameters: parameters)
        guard axes.isEmpty else { return }
        for (key, values) in Self.defaultGrid where self.parameters[key] == nil {
            self.parameters[key] = .values(values)
            order.append(key)
        }
    }

    /// Fixes the options given as flags beside a spec file (`source`) that the spec does not vary.
    /// - Throws: when a flag names one of the spec's parameters (give it in one place).
    public mutating func fix(_ flags: RunSettings, source: String) throws(SweepSpecError) {
        for key in flags.values.keys.sorted() where key != "playground" {
            guard parameters[key] == nil else {
                throw SweepSpecError(source: source, line: nil, message: "--\(key) is also a parameter of '\(source)'; give it in one place")
            }
            parameters[key] = .value(flags.values[key]!)
            order.append(key)
        }
    }

    /// Repeats every configuration with `count` seeds from `first` (`--seeds 3`: 1, 2, 3).
    /// - Throws: when the spec already varies the seed.
    public mutating func repeatWithSeeds(_ count: Int, from first: UInt64) throws(SweepSpecError) {
        if case .values = parameters["seed"] {
            throw SweepSpecError(source: "--seeds", line: nil, message: "--seeds \(count) and a list of seeds: give one of them")
        }
        if parameters["seed"] == nil { order.append("seed") }
        parameters["seed"] = .values((0..<UInt64(count)).map { String(first + $0) })
    }
}
