import Foundation
public import Tracking

/// Curves against epochs as an SVG chart: round ticks, a log scale where values span decades,
/// optional event markers (alert epochs), and a legend below that wraps rather than overlaps.
///
/// Every path carries `data-run` and `data-metric`, and the `svg` element its scales'
/// domains and pixel box (`data-x-min`, `data-left`, …), so a reader — or a test — can check
/// that the point of epoch k sits where its value says.
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var label: String
        public var color: String
        public var points: [CurvePoint]
        public var dashed = false
        public var run: Int64?
        public var metric: String

        public init(label: String, color: String, points: [CurvePoint], dashed: Bool = false, run: Int64? = nil, metric: String) {
            self.label = label
            self.color = color
            self.points = points
            self.dashed = dashed
            self.run = run
            self.metric = metric
        }
    }

    /// A vertical mark at an epoch, e.g. where an alert first fired.
    public struct Marker: Sendable {
        public var epoch: Int
        public var label: String
        public var color: String

        public init(epoch: Int, label: String, color: String) {
            self.epoch = epoch
            self.label = label
            self.color = color
        }
    }

    public var title: String
    public var series: [Series]
    public var markers: [Marker] = []
    public var width = 640.0
    public var height = 280.0
    /// nil: log when the values span more than about a decade and are all positive.
    public var yScale: Scale.Kind?
    /// Legend entries (label, colour, dashed); by default one per distinct series label.
    public var legend: [(label: String, color: String, dashed: Bool)]?

    public init(title: String, series: [Series], markers: [Marker] = [], yScale: Scale.Kind? = nil,
                width: Double = 640, height: Double = 280) {
        self.title = title
        self.series = series
        self.markers = markers
        self.yScale = yScale
        self.width = width
        self.height = height
    }

    static let left = 60.0, right = 14.0, top = 28.0, bottom = 32.0, legendRow = 18.0

    private var legendEntries: [(label: String, color: String, dashed: Bool)] {
        if let legend { return legend }
        var seen = Set<String>()
        return series.compactMap { s in seen.insert(s.label).inserted ? (s.label, s.color, s.dashed) : nil }
    }

    /// Legend entries laid out in rows: (row, x) per entry.
    private var legendLayout: [(row: Int, x: Double)] {
        var out: [(Int, Double)] = [], row = 0, x = Self.left
        for entry in legendEntries {
            let w = 28 + Double(entry.label.count) * 6.6 + 14
            if x + w > width - Self.right && x > Self.left { row += 1; x = Self.left }
            out.append((row, x))
            x += w
        }
        return out
    }

    /// The chart's full height: the plot and its legend rows.
    public var totalHeight: Double { height + Double((legendLayout.map(\.row).max() ?? -1) + 1) * Self.legendRow }

    /// The scales: epochs across, values up.
    public var scales: (x: Scale, y: Scale) {
        let epochs = series.flatMap { $0.points.map { Double($0.epoch) } } + markers.map { Double($0.epoch) }
        let values = series.flatMap { $0.points.map(\.value) }
        let x = Scale(kind: .linear, values: epochs.isEmpty ? [0, 1] : epochs, from: Self.left, to: width - Self.right,
                      tickCount: max(2, Int((width - 80) / 90)))
        let (bottom, top) = (height - Self.bottom, Self.top)
        let y = yScale.map { Scale(kind: $0, values: values, from: bottom, to: top) } ?? Scale.automatic(values: values, from: bottom, to: top)
        return (x, y)
    }

    /// The points drawn for a series: all of them, or a min–max decimation to about two per
    /// pixel column for very long curves.
    public func drawn(_ s: Series) -> [CurvePoint] {
        let columns = Int(width - Self.left - Self.right)
        return s.points.count > 2 * columns ? CurveSampling.points(2 * columns).apply(s.points) : s.points
    }

    /// The chart as an `<svg>` element; `id` names it for links and scripts.
    public func svg(id: String) -> String {
        let (x, y) = scales
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart" id="\(escaped(id))" viewBox="0 0 \(coordinate(width)) \(coordinate(totalHeight))" \
            width="\(coordinate(width))" height="\(coordinate(totalHeight))" role="img" aria-label="\(escaped(title))" \
            data-x-min="\(x.domain.lowerBound)" data-x-max="\(x.domain.upperBound)" data-y-min="\(y.domain.lowerBound)" \
            data-y-max="\(y.domain.upperBound)" data-y-scale="\(y.kind.rawValue)" data-left="\(x.start)" \
            data-right="\(x.end)" data-top="\(y.end)" data-bottom="\(y.start)" \
            font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="11">
            <title>\(escaped(title))</title>
            <text x="\(coordinate(Self.left))" y="16" font-size="13" font-weight="600" fill="currentColor">\(escaped(title + (y.kind == .log ? " (log scale)" : "")))</text>

            """
        // Grid and ticks.
        for t in y.ticks {
            let py = coordinate(y.map(t))
            out += "<line class=\"grid\" x1=\"\(coordinate(x.start))\" x2=\"\(coordinate(x.end))\" y1=\"\(py)\" y2=\"\(py)\" stroke=\"currentColor\" stroke-opacity=\"0.15\"/>"
            out += "<text class=\"tick\" x=\"\(coordinate(x.start - 6))\" y=\"\(py)\" dy=\"0.32em\" text-anchor=\"end\" fill=\"currentColor\" fill-opacity=\"0.75\">\(escaped(y.label(t)))</text>\n"
        }
        for t in x.ticks {
            let px = coordinate(x.map(t))
            out += "<line class=\"grid\" x1=\"\(px)\" x2=\"\(px)\" y1=\"\(coordinate(y.end))\" y2=\"\(coordinate(y.start))\" stroke=\"currentColor\" stroke-opacity=\"0.08\"/>"
            out += "<text class=\"tick\" x=\"\(px)\" y=\"\(coordinate(y.start + 16))\" text-anchor=\"middle\" fill=\"currentColor\" fill-opacity=\"0.75\">\(escaped(x.label(t)))</text>\n"
        }
        out += "<text x=\"\(coordinate(x.end))\" y=\"\(coordinate(y.start + 28))\" text-anchor=\"end\" fill=\"currentColor\" fill-opacity=\"0.6\">epoch</text>\n"
        out += "<rect x=\"\(coordinate(x.start))\" y=\"\(coordinate(y.end))\" width=\"\(coordinate(x.end - x.start))\" height=\"\(coordinate(y.start - y.end))\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.3\"/>\n"
        // Markers under the curves.
        for m in markers {
            let px = coordinate(x.map(Double(m.epoch)))
            out += "<line class=\"marker\" data-epoch=\"\(m.epoch)\" x1=\"\(px)\" x2=\"\(px)\" y1=\"\(coordinate(y.end))\" y2=\"\(coordinate(y.start))\" stroke=\"\(m.color)\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"><title>\(escaped(m.label))</title></line>"
            out += "<path d=\"M\(px) \(coordinate(y.end)) l-4 -6 h8 z\" fill=\"\(m.color)\"><title>\(escaped(m.label))</title></path>\n"
        }
        for s in series {
            let points = drawn(s)
            guard !points.isEmpty else { continue }
            let d = points.enumerated().map { i, p in
                (i == 0 ? "M" : "L") + coordinate(x.map(Double(p.epoch))) + " " + coordinate(y.map(p.value))
            }.joined(separator: " ")
            out += "<path class=\"series\" data-metric=\"\(escaped(s.metric))\"\(s.run.map { " data-run=\"\($0)\"" } ?? "") "
                + "data-label=\"\(escaped(s.label))\" d=\"\(d)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.6\" "
                + "stroke-linejoin=\"round\"\(s.dashed ? " stroke-dasharray=\"5 3\"" : "")><title>\(escaped(s.label))</title></path>\n"
        }
        for (entry, place) in zip(legendEntries, legendLayout) {
            let ly = height + Double(place.row) * Self.legendRow + 4
            out += "<g class=\"legend\"><line x1=\"\(coordinate(place.x))\" x2=\"\(coordinate(place.x + 22))\" y1=\"\(coordinate(ly))\" y2=\"\(coordinate(ly))\" "
                + "stroke=\"\(entry.color)\" stroke-width=\"2.5\"\(entry.dashed ? " stroke-dasharray=\"5 3\"" : "")/>"
                + "<text x=\"\(coordinate(place.x + 28))\" y=\"\(coordinate(ly))\" dy=\"0.32em\" fill=\"currentColor\">\(escaped(entry.label))</text></g>\n"
        }
        return out + "</svg>"
    }

    /// The data behind the chart as JSON, for the page's hover read-out.
    public func json(id: String) -> String {
        let x = scales.x
        let series = self.series.map { s in
            "{\"label\":\(TableWriter.jsonString(s.label, htmlSafe: true)),\"color\":\(TableWriter.jsonString(s.color, htmlSafe: true)),\"points\":["
                + drawn(s).map { "[\($0.epoch),\($0.value.isFinite ? "\($0.value)" : "null")]" }.joined(separator: ",") + "]}"
        }
        return "{\"id\":\(TableWriter.jsonString(id, htmlSafe: true)),\"x\":[\(x.domain.lowerBound),\(x.domain.upperBound),\(x.start),\(x.end)],"
            + "\"series\":[" + series.joined(separator: ",") + "]}"
    }
}
