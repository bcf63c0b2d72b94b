import Foundation
public import Tracking

/// Runs that differ only by seed (or by nothing a grouping names), drawn as one curve: at each
/// epoch the mean over the runs that reached it, and a band around it.
public struct CurveGroup: Sendable {
    /// The band around a group's mean.
    public enum Band: String, Sendable, CaseIterable {
        /// ± one sample standard deviation over the runs.
        case std
        /// From the lowest to the highest run.
        case minmax
        /// No band.
        case none

        /// What the legend says the band is.
        public var legend: String {
            switch self {
            case .std: "band: ±1 std over seeds"
            case .minmax: "band: min–max over seeds"
            case .none: "mean over seeds"
            }
        }
    }

    /// The grouping's hyperparameters and this group's values of them, in order.
    public var key: [(name: String, value: String)]
    public var runs: [Int64]
    public var metric: String
    /// Per epoch: the mean, and the band's low and high ends (equal to the mean for one run or no band).
    public var mean: [CurvePoint]
    public var low: [CurvePoint]
    public var high: [CurvePoint]

    /// The same group with its band kept inside `range` (an accuracy's std band ends at 1).
    public func clamped(to range: ClosedRange<Double>) -> CurveGroup {
        var g = self
        func clamp(_ p: CurvePoint) -> CurvePoint { CurvePoint(epoch: p.epoch, value: min(max(p.value, range.lowerBound), range.upperBound)) }
        g.low = low.map(clamp)
        g.high = high.map(clamp)
        return g
    }

    /// `lr = 0.1, activation = tanh`; "all runs" for an empty key.
    public var label: String { key.isEmpty ? "all runs" : key.map { "\($0.name) = \($0.value)" }.joined(separator: ", ") }

    /// The mean and band of `curves` (one per run, any epochs) per epoch.
    public init(key: [(name: String, value: String)], runs: [Int64], metric: String, curves: [[CurvePoint]], band: Band) {
        self.key = key
        self.runs = runs
        self.metric = metric
        var byEpoch: [Int: [Double]] = [:]
        for curve in curves { for p in curve where p.value.isFinite { byEpoch[p.epoch, default: []].append(p.value) } }
        var mean: [CurvePoint] = [], low: [CurvePoint] = [], high: [CurvePoint] = []
        for epoch in byEpoch.keys.sorted() {
            let v = byEpoch[epoch]!
            let m = v.reduce(0, +) / Double(v.count)
            mean.append(CurvePoint(epoch: epoch, value: m))
            switch band {
            case .std:
                let s = v.count > 1 ? (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot() : 0
                low.append(CurvePoint(epoch: epoch, value: m - s))
                high.append(CurvePoint(epoch: epoch, value: m + s))
            case .minmax:
                low.append(CurvePoint(epoch: epoch, value: v.min()!))
                high.append(CurvePoint(epoch: epoch, value: v.max()!))
            case .none:
                low.append(CurvePoint(epoch: epoch, value: m))
                high.append(CurvePoint(epoch: epoch, value: m))
            }
        }
        (self.mean, self.low, self.high) = (mean, low, high)
    }

    /// The hyperparameters whose values differ between `runs`, but the seed: what tells their
    /// groups apart by default. Sorted by name.
    public static func varied(store: RunStore, runs: [Int64]) throws -> [String] {
        var values: [String: Set<String>] = [:]
        let params = try runs.map { try store.params(run: $0) }
        let names = Set(params.flatMap(\.keys))
        for p in params { for name in names { values[name, default: []].insert(p[name].map { "\($0)" } ?? "") } }
        return names.filter { $0 != seedParameter && (values[$0]?.count ?? 0) > 1 }.sorted()
    }

    /// The hyperparameter that only repeats a configuration.
    public static let seedParameter = "seed"

    /// `runs` grouped by their values of `names`, each group's curves of `metric`; groups in
    /// order of their values (numbers numerically).
    public static func groups(store: RunStore, runs: [Int64], by names: [String], metric: String, band: Band) throws -> [CurveGroup] {
        let columns = try names.map { try FilterParser.terms("param.\($0)")[0] }
        let table = try store.table(runs: runs, columns: [Term(name: "id")] + columns)
        var members: [[Cell]: [Int64]] = [:]
        for row in table.rows { members[Array(row.dropFirst()), default: []].append(Self.id(row[0])) }
        let keys = members.keys.sorted { a, b in
            for (x, y) in zip(a, b) where x != y { return Pivot.sortedKeys(Set([x, y])).first == x }
            return false
        }
        return try keys.map { key in
            let ids = members[key]!
            let curves = try ids.map { try store.curves(run: $0, metrics: [metric]).first?.points ?? [] }
            return CurveGroup(key: zip(names, key).map { ($0, $1.text) }, runs: ids, metric: metric, curves: curves, band: band)
        }
    }

    /// This group's value of `name`, if the grouping has it.
    public func value(of name: String) -> String? { key.first { $0.name == name }?.value }

    static func id(_ cell: Cell) -> Int64 { if case .integer(let v) = cell { v } else { 0 } }
}
