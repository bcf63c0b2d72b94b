import Foundation
public import Tracking

/// A sweep's metric against one hyperparameter, a dot per run: a learning rate's draws on a log x
/// axis, categories side by side (spread a little so that repeats do not hide each other).
/// Coloured by a grouping axis (the activation) when one is given.
///
/// Every dot carries `data-run`, `data-x` and `data-y` (the values it stands for), and the `svg`
/// its axes (``SweepAxis`` attributes on `g.x-axis` and `g.y-axis`).
public struct HyperparameterScatter: Sendable {
    public let runs: [Int64]
    public let x: SweepAxis
    public let y: SweepAxis
    public let color: SweepAxis?
    public let title: String

    public init(runs: [Int64], x: SweepAxis, y: SweepAxis, color: SweepAxis?, title: String) {
        self.runs = runs
        self.x = x
        self.y = y
        self.color = color
        self.title = title
    }

    static let width = 300.0, height = 230.0, left = 56.0, right = 12.0, top = 28.0, bottom = 52.0

    public func svg(id: String) -> String {
        let (x0, x1) = (Self.left + 8, Self.width - Self.right - 8), (y0, y1) = (Self.height - Self.bottom, Self.top)
        // Categories get a band each; dots spread across the middle half of it.
        let band = x.kind == .category ? (x1 - x0) / Double(max(x.categories.count, 1)) : 0
        let (cx0, cx1) = x.kind == .category ? (x0 + band / 2, x1 - band / 2) : (x0, x1)
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" class="scatter" id="\(escaped(id))" viewBox="0 0 \(coordinate(Self.width)) \(coordinate(Self.height))" \
            width="\(coordinate(Self.width))" height="\(coordinate(Self.height))" role="img" aria-label="\(escaped(title))" \
            font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="11">
            <text x="0" y="14" font-size="12" font-weight="600" fill="currentColor">\(escaped(title))</text>
            <g class="x-axis" \(x.attributes(start: cx0, end: cx1))>
            """
        out += "<line x1=\"\(coordinate(x0 - 8))\" y1=\"\(coordinate(y0))\" x2=\"\(coordinate(x1 + 8))\" y2=\"\(coordinate(y0))\" stroke=\"currentColor\" stroke-opacity=\"0.5\"/>"
        for tick in x.ticks() {
            guard let px = x.position(tick.value, from: cx0, to: cx1) else { continue }
            out += "<text x=\"\(coordinate(px))\" y=\"\(coordinate(y0 + 15))\" text-anchor=\"middle\" fill=\"currentColor\" fill-opacity=\"0.8\">\(escaped(tick.label))</text>"
        }
        out += "<text x=\"\(coordinate((x0 + x1) / 2))\" y=\"\(coordinate(y0 + 34))\" text-anchor=\"middle\" fill=\"currentColor\">\(escaped(x.name))"
            + (x.kind == .log ? " (log)" : "") + "</text></g>\n"
        out += "<g class=\"y-axis\" \(y.attributes(start: y0, end: y1))>"
        out += "<line x1=\"\(coordinate(Self.left))\" y1=\"\(coordinate(y0))\" x2=\"\(coordinate(Self.left))\" y2=\"\(coordinate(y1))\" stroke=\"currentColor\" stroke-opacity=\"0.5\"/>"
        for tick in y.ticks() {
            guard let py = y.position(tick.value, from: y0, to: y1) else { continue }
            out += "<line x1=\"\(coordinate(Self.left))\" y1=\"\(coordinate(py))\" x2=\"\(coordinate(x1 + 8))\" y2=\"\(coordinate(py))\" stroke=\"currentColor\" stroke-opacity=\"0.1\"/>"
                + "<text x=\"\(coordinate(Self.left - 5))\" y=\"\(coordinate(py))\" dy=\"0.32em\" text-anchor=\"end\" fill=\"currentColor\" fill-opacity=\"0.8\">\(escaped(tick.label))</text>"
        }
        out += "<text transform=\"translate(12 \(coordinate((y0 + y1) / 2))) rotate(-90)\" text-anchor=\"middle\" fill=\"currentColor\">\(escaped(y.name))"
            + (y.kind == .log ? " (log)" : "") + "</text></g>\n<g class=\"points\">"
        for (i, run) in runs.enumerated() {
            guard var px = x.position(x.values[i], from: cx0, to: cx1), let py = y.position(y.values[i], from: y0, to: y1) else { continue }
            // A fixed spread per run (its position in the list), the same on every drawing.
            if x.kind == .category { px += band * 0.5 * (Double((i * 37) % 17) / 16 - 0.5) }
            let group = color.map { c in c.categories.firstIndex(of: c.values[i].text) ?? 0 } ?? 0
            out += "<circle class=\"point\" data-run=\"\(run)\" data-x=\"\(escaped(x.values[i].text))\" data-y=\"\(escaped(y.values[i].text))\" "
                + "cx=\"\(coordinate(px))\" cy=\"\(coordinate(py))\" r=\"3.6\" fill=\"\(Palette.color(group))\" fill-opacity=\"0.85\">"
                + "<title>\(escaped("run \(run): \(x.name) = \(x.values[i].text), \(y.name) = \(y.values[i].text)"))</title></circle>"
        }
        return out + "</g></svg>"
    }
}
