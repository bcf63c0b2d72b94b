public import GRDB

/// Which way a metric improves.
public enum Goal: String, Sendable, Hashable, Codable, CaseIterable, DatabaseValueConvertible {
    case minimize, maximize

    /// Whether `value` is better than `other`, strictly (ties keep the earlier epoch).
    public func improves(_ value: Double, on other: Double) -> Bool {
        self == .minimize ? value < other : value > other
    }

    /// The better of two values.
    public func better(_ a: Double, _ b: Double) -> Double { improves(b, on: a) ? b : a }

    /// The SQL aggregate that picks the best value: `MIN` or `MAX`.
    var aggregate: String { self == .minimize ? "MIN" : "MAX" }

    /// The SQL order that puts the best value first.
    var order: String { self == .minimize ? "ASC" : "DESC" }
}
