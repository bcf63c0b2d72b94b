import Foundation
public import Tracking

/// Two configurations (or two pivot cells) compared over their seeds (`gradbook compare
/// --group A --group B`): each side's mean with its 95 % interval, and the difference of the
/// means with its interval — paired by seed when both sides ran the same seeds (``MeanDifference``).
///
/// The per-run value is the pivot's: by default the metric at each run's selected epoch, chosen
/// on validation data when the run has a validation split, and labelled as such.
public struct SeedComparison {
    public let value: Term
    public let groups: (a: String, b: String)
    public let difference: MeanDifference
    /// What selected each run's epoch, for a value at the selected epoch.
    public let caption: String

    /// - Parameters:
    ///   - a, b: the run ids of each side and the words that chose them (the filters).
    public init(store: RunStore, a: (runs: [Int64], label: String), b: (runs: [Int64], label: String), value: Term) throws {
        self.value = value
        groups = (a.label, b.label)
        let selects = value.function == "selected"
        let columns = [Term(name: "param.seed"), value] + (selects ? [Term(name: value.name, function: "selected_on")] : [])
        func values(_ runs: [Int64]) throws -> (values: [(seed: Int64?, value: Double)], on: [String]) {
            let rows = try store.table(runs: runs, columns: columns, options: ["--group", "--metric", "--metric"]).rows
            let kept = rows.filter { $0[1].number != nil }
            return (kept.map { row in (row[0].number.map { Int64($0) }, row[1].number!) }, selects ? kept.map { $0[2].text } : [])
        }
        let (va, onA) = try values(a.runs), (vb, onB) = try values(b.runs)
        difference = MeanDifference(a: va, b: vb)
        caption = selects ? SelectionLabel.text(metric: Metric.named(value.name), on: onA + onB) : "\(value.text) per run"
    }

    public var goal: Goal { Metric.named(value.name).goal }

    /// The two sides and their difference as rows: side, runs, mean, std, interval low and high.
    public var table: ResultTable {
        let d = difference
        func row(_ name: String, _ label: String, _ e: MeanEstimate) -> [Cell] {
            [.text(name), .text(label), .integer(Int64(e.count)), .real(e.mean), .real(e.std),
             e.interval.map { .real($0.lowerBound) } ?? .null, e.interval.map { .real($0.upperBound) } ?? .null, .null, .null, .null]
        }
        let diff: [Cell] = [.text("A - B"), .text(d.method == .paired ? "paired by seed" : "Welch"), .integer(Int64(d.a.count + d.b.count)),
                            .real(d.difference), .real(d.standardError), d.interval.map { .real($0.lowerBound) } ?? .null,
                            d.interval.map { .real($0.upperBound) } ?? .null, d.t.map(Cell.real) ?? .null,
                            .real(d.degreesOfFreedom.isFinite ? d.degreesOfFreedom : .nan), d.p.map(Cell.real) ?? .null]
        return ResultTable(columns: ["side", "runs_of", "n", "mean", "std_or_se", "ci95_low", "ci95_high", "t", "df", "p"],
                           rows: [row("A", groups.a, d.a), row("B", groups.b, d.b), diff])
    }

    /// The comparison for a terminal, ending with what it says in words.
    public var text: String {
        let d = difference, metric = Metric.named(value.name)
        func interval(_ r: ClosedRange<Double>?) -> String {
            r.map { "[\(metric.formatted($0.lowerBound)), \(metric.formatted($0.upperBound))]" } ?? "-"
        }
        let rows = [("A", groups.a, d.a), ("B", groups.b, d.b)].map { side, label, e in
            [side, label, "\(e.count)", metric.formatted(e.mean), metric.formatted(e.std), interval(e.interval)]
        }
        var lines = ["\(caption); 95% intervals (Student's t)",
                     TableWriter.aligned(header: ["", "runs", "n", "mean", "std", "95% CI of the mean"], rows: rows)]
        let how = d.method == .paired ? "paired by seed, \(d.a.count) pairs" : "Welch's t, unpaired (the seeds differ)"
        var summary = "A − B = \(metric.formatted(d.difference)) \(interval(d.interval)) (\(how)"
        if let t = d.t, let p = d.p { summary += String(format: ", t = %.3g, df = %.3g, p = %.3g", t, d.degreesOfFreedom, p) }
        lines.append(summary + ")")
        lines.append(verdict)
        return lines.joined(separator: "\n")
    }

    /// Which side is better, or that the interval cannot tell.
    public var verdict: String {
        let d = difference
        guard let interval = d.interval else { return "Too few runs to estimate the uncertainty: each side needs two seeds or more." }
        guard !interval.contains(0) else {
            return "The interval contains 0: at 95% these runs do not show which is better (more seeds narrow it)."
        }
        let aBetter = goal == .minimize ? d.difference < 0 : d.difference > 0
        return "\(aBetter ? "A" : "B") is better (\(goal == .minimize ? "lower" : "higher") \(value.name)); the interval excludes 0."
    }
}
