import Foundation
public import Tracking

/// A sweep's runs as lines across one vertical axis per varied hyperparameter and a last one for
/// the metric, coloured by the metric (viridis, the better end bright): how a random search, or a
/// sweep with more than two axes, is read. Dragging along an axis brushes a range; runs outside
/// every brush fade, and the runs table highlights the rest.
///
/// Each line carries `data-run`, `data-value` and `data-ys` (its pixel height on each axis, in
/// order); each axis its ``SweepAxis`` attributes.
public struct ParallelCoordinates: Sendable {
    public let runs: [Int64]
    /// The hyperparameters' axes, then the metric's.
    public let axes: [SweepAxis]
    public let goal: Goal
    public let title: String

    public init(runs: [Int64], axes: [SweepAxis], goal: Goal, title: String) {
        self.runs = runs
        self.axes = axes
        self.goal = goal
        self.title = title
    }

    static let top = 46.0, bottom = 44.0, side = 60.0, height = 330.0, spacing = 130.0

    public var width: Double { Self.side * 2 + Double(max(axes.count - 1, 1)) * Self.spacing }

    public func svg(id: String) -> String {
        let yLow = Self.height - Self.bottom, yHigh = Self.top
        let x = { (k: Int) in Self.side + Double(k) * Self.spacing }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" class="parallel" id="\(escaped(id))" viewBox="0 0 \(coordinate(width)) \(coordinate(Self.height))" \
            width="\(coordinate(width))" height="\(coordinate(Self.height))" role="img" aria-label="\(escaped(title))" data-runs="\(runs.count)" \
            data-selected="\(runs.count)" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="11">
            <text x="0" y="16" font-size="13" font-weight="600" fill="currentColor">\(escaped(title))</text>
            <text class="selected-label" x="\(coordinate(width))" y="16" text-anchor="end" fill="currentColor" fill-opacity="0.7">\(runs.count) runs</text>

            """
        // Lines first, under the axes; the best drawn last, on top.
        let metric = axes.last!
        let numbers = metric.values.compactMap(\.number).filter(\.isFinite)
        let (worst, best) = goal == .minimize ? (numbers.max() ?? 1, numbers.min() ?? 0) : (numbers.min() ?? 0, numbers.max() ?? 1)
        let order = runs.indices.sorted { a, b in
            let (p, q) = (metric.values[a].number ?? .nan, metric.values[b].number ?? .nan)
            return p.isNaN != q.isNaN ? p.isNaN : goal.improves(q, on: p)
        }
        out += "<g class=\"lines\" fill=\"none\" stroke-width=\"1.6\" stroke-opacity=\"0.85\">\n"
        for i in order {
            let ys = axes.map { $0.position($0.values[i], from: yLow, to: yHigh) }
            var d = "", pen = false
            for (k, y) in ys.enumerated() {
                guard let y else { pen = false; continue }
                d += (pen ? " L" : "M") + "\(coordinate(x(k))) \(coordinate(y))"
                pen = true
            }
            let value = metric.values[i].number
            let t = value.map { best == worst ? 1 : ($0 - worst) / (best - worst) } ?? 0
            let settings = axes.map { "\($0.name) = \($0.values[i].text)" }.joined(separator: ", ")
            out += "<path class=\"line\" data-run=\"\(runs[i])\" data-value=\"\(value.map { "\($0)" } ?? "")\" "
                + "data-ys=\"\(ys.map { $0.map(coordinate) ?? "" }.joined(separator: ","))\" d=\"\(d)\" stroke=\"\(value == nil ? "#999999" : Palette.viridis(t))\">"
                + "<title>\(escaped("run \(runs[i]): \(settings)"))</title></path>\n"
        }
        out += "</g>\n"
        for (k, axis) in axes.enumerated() {
            let ax = x(k)
            out += "<g class=\"axis\" data-axis=\"\(k)\" \(axis.attributes(start: yLow, end: yHigh)) data-x=\"\(coordinate(ax))\">"
            out += "<line x1=\"\(coordinate(ax))\" y1=\"\(coordinate(yHigh))\" x2=\"\(coordinate(ax))\" y2=\"\(coordinate(yLow))\" stroke=\"currentColor\" stroke-opacity=\"0.6\"/>"
            out += "<text x=\"\(coordinate(ax))\" y=\"\(coordinate(yHigh - 14))\" text-anchor=\"middle\" font-weight=\"600\" fill=\"currentColor\">\(escaped(axis.name))</text>"
            for tick in axis.ticks() {
                guard let y = axis.position(tick.value, from: yLow, to: yHigh) else { continue }
                out += "<line x1=\"\(coordinate(ax - 4))\" y1=\"\(coordinate(y))\" x2=\"\(coordinate(ax))\" y2=\"\(coordinate(y))\" stroke=\"currentColor\" stroke-opacity=\"0.6\"/>"
                    + "<text x=\"\(coordinate(ax - 7))\" y=\"\(coordinate(y))\" dy=\"0.32em\" text-anchor=\"end\" fill=\"currentColor\" fill-opacity=\"0.8\" "
                    + "paint-order=\"stroke\" stroke=\"var(--page, #fff)\" stroke-width=\"3\">\(escaped(tick.label))</text>"
            }
            out += "<rect class=\"brush\" x=\"\(coordinate(ax - 7))\" y=\"0\" width=\"14\" height=\"0\" fill=\"currentColor\" fill-opacity=\"0.18\" "
                + "stroke=\"currentColor\" stroke-opacity=\"0.5\" visibility=\"hidden\"/>"
            out += "<rect class=\"brush-area\" x=\"\(coordinate(ax - 14))\" y=\"\(coordinate(yHigh))\" width=\"28\" height=\"\(coordinate(yLow - yHigh))\" "
                + "fill=\"transparent\" style=\"cursor: crosshair\"/></g>\n"
        }
        out += "<text x=\"\(coordinate(Self.side))\" y=\"\(coordinate(Self.height - 12))\" fill=\"currentColor\" fill-opacity=\"0.7\">"
            + "Drag along an axis to select a range (click it to clear); colour: \(escaped(metric.name)), bright = better.</text>\n"
        return out + "</svg>"
    }
}
