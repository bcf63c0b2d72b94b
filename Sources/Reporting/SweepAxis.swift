import Foundation
public import Tracking

/// One axis of a picture of a sweep's runs: a hyperparameter's values, or the metric's. Numbers
/// go on a linear scale, or a log one when they span a decade or more (a learning rate's draws);
/// anything else is a category, evenly spaced in numeric-then-text order.
///
/// A drawn axis publishes what it maps (`data-name`, `data-kind`, `data-min`/`data-max` or
/// `data-categories`, and the pixel ends), so that a reader can turn a position back into a value.
public struct SweepAxis: Sendable {
    public enum Kind: String, Sendable { case linear, log, category }

    public let name: String
    /// One value per run, in the runs' order.
    public let values: [Tracking.Cell]
    public let kind: Kind
    /// The category values, in order (empty for a numeric axis).
    public let categories: [String]
    /// The span a numeric axis shows: the values' own, without rounding out.
    public let low: Double, high: Double

    /// Hyperparameter names in the order a sweep's pictures and tables take them: activation
    /// first, then learning rate, then the rest by name.
    public static func ordered(_ names: some Sequence<String>) -> [String] {
        let rank = { (name: String) in name == "activation" ? 0 : name == "lr" ? 1 : 2 }
        return names.sorted { a, b in (rank(a), a) < (rank(b), b) }
    }

    /// How many decades the values must span for a log axis.
    static let logDecades = 0.95

    public init(name: String, values: [Tracking.Cell]) {
        self.name = name
        self.values = values
        let present = values.filter { $0 != .null }
        let numbers = present.compactMap(\.number).filter(\.isFinite)
        if !present.isEmpty, numbers.count == present.count {
            let (lo, hi) = (numbers.min()!, numbers.max()!)
            kind = lo > 0 && log10(hi / lo) >= Self.logDecades ? .log : .linear
            categories = []
            (low, high) = lo == hi ? (kind == .log ? (lo / 2, hi * 2) : (lo - 1, hi + 1)) : (lo, hi)
        } else {
            kind = .category
            categories = Pivot.sortedKeys(Set(present)).map(\.text)
            (low, high) = (0, Double(max(categories.count - 1, 1)))
        }
    }

    /// Where a value sits between `start` (the low end, or the first category) and `end`; nil
    /// for a missing or unplaceable value. One category sits in the middle.
    public func position(_ value: Tracking.Cell, from start: Double, to end: Double) -> Double? {
        let t: Double
        switch kind {
        case .category:
            guard let i = categories.firstIndex(of: value.text), value != .null else { return nil }
            t = categories.count == 1 ? 0.5 : Double(i) / Double(categories.count - 1)
        case .linear:
            guard let v = value.number, v.isFinite else { return nil }
            t = (v - low) / (high - low)
        case .log:
            guard let v = value.number, v.isFinite, v > 0 else { return nil }
            t = (log10(v) - log10(low)) / (log10(high) - log10(low))
        }
        return start + t * (end - start)
    }

    /// Up to `count` labelled positions along the axis: each category, or round numbers.
    public func ticks(count: Int = 5) -> [(value: Tracking.Cell, label: String)] {
        switch kind {
        case .category:
            return categories.map { (.text($0), $0) }
        case .linear:
            let scale = Scale(kind: .linear, values: [low, high], from: 0, to: 1, tickCount: count)
            let inside = scale.ticks.filter { $0 >= low - 1e-9 * abs(low) && $0 <= high + 1e-9 * abs(high) }
            return (inside.count >= 2 ? inside : [low, high]).map { (.real($0), scale.label($0)) }
        case .log:
            // Powers of ten inside the span; within a decade or two, also their doubles and fives.
            let decades = Int(log10(low).rounded(.down))...Int(log10(high).rounded(.up))
            let within = { (v: Double) in v >= low * (1 - 1e-9) && v <= high * (1 + 1e-9) }
            let powers = decades.map { pow(10, Double($0)) }.filter(within)
            let steps = decades.flatMap { e in [1.0, 2, 5].map { $0 * pow(10, Double(e)) } }.filter(within)
            let chosen = powers.count >= 3 ? powers : steps.count >= 2 ? steps : [low, high]
            let label = Scale(kind: .linear, values: [0, 1], from: 0, to: 1)
            return chosen.map { (.real($0), label.label($0)) }
        }
    }

    /// The attributes that let a reader map positions back to values.
    func attributes(start: Double, end: Double) -> String {
        var out = "data-name=\"\(escaped(name))\" data-kind=\"\(kind.rawValue)\" data-start=\"\(coordinate(start))\" data-end=\"\(coordinate(end))\""
        if kind == .category {
            let json = "[" + categories.map { "\"" + Self.jsonEscaped($0) + "\"" }.joined(separator: ",") + "]"
            out += " data-categories=\"\(escaped(json))\""
        } else {
            out += " data-min=\"\(low)\" data-max=\"\(high)\""
        }
        return out
    }

    static func jsonEscaped(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
