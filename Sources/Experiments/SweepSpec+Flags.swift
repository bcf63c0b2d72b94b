import Foundation
extension SweepSpec {
    /// The main job's grid, for the options not fixed by a flag: every activation × every
    /// learning rate (`gradbook sweep` with no axis).
    public static let defaultGrid: [(key: String, values: [String])] = [
        ("activation", ["relu", "tanh", "sigmoid", "leaky_relu"]),
        ("lr", ["0.3", "0.1", "0.03", "0.01"]),
    ]

    /// The main job's fixed options, where no flag gives them: a validation split, so that its
    /// table is selected on validation data (not with a Playground link, which keeps the
    /// Playground's own split), and epochs enough for sigmoid's slowness to show.
    public static let mainJobDefaults: [(key: String, value: String)] = [("validation-ratio", "20"), ("epochs", "300")]
    /// The seeds the main job repeats each configuration with, unless `--seeds` says otherwise.
    public static let mainJobSeeds = 3

    /// The sweep the flags of `gradbook sweep` describe: an option given a list is an axis (split
    /// as ``RunOption/sweep`` says: `relu,tanh`, `8,8/16,16`); single values stay fixed. With no
    /// axis, the main job: the ``defaultGrid`` with ``mainJobDefaults`` and ``mainJobSeeds``.
    /// `playground` is never an axis (a link is the base of every run).
    /// - Parameter seeds: `--seeds`: repeat every configuration with this many seeds.
    /// - Throws: when `--seeds` meets a list of seeds.
    public init(flags: RunSettings, seeds: Int? = nil) throws(SweepSpecError) {
        let parameters: [(String, Parameter)] = RunOption.all.filter(\.isSweepable).compactMap { option in
            guard let text = flags.values[option.key] else { return nil }
            let alternatives = Self.alternatives(text, separator: option.sweep == .slash ? "/" : ",")
            return (option.key, alternatives.count > 1 ? .values(alternatives) : .value(text))
        }
        self.init(parameters: parameters)
        let isMainJob = axes.isEmpty
        if isMainJob {
            for (key, values) in Self.defaultGrid where self.parameters[key] == nil {
                self.parameters[key] = .values(values)
                order.append(key)
            }
            for (key, value) in Self.mainJobDefaults where flags.values[key] == nil {
                if key == "validation-ratio" && flags.values["playground"] != nil { continue }
                self.parameters[key] = .value(value)
                order.append(key)
            }
        }
        if let repeats = seeds ?? (isMainJob ? Self.mainJobSeeds : nil) {
            try repeatWithSeeds(repeats, from: UInt64(flags.values["seed"] ?? "1") ?? 1)
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

    /// `text` cut at each `separator` outside parentheses, so that arguments stay whole:
    /// `step(10, 0.5),cosine` is two schedules, `adam(0.9, 0.99),sgd` two optimisers.
    static func alternatives(_ text: String, separator: Character) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for c in text {
            if c == "(" { depth += 1 } else if c == ")" { depth = max(0, depth - 1) }
            if c == separator && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
