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
        /// A group's runs (`data-runs`) and the band drawn under its mean (`data-band`).
        public var runs: [Int64] = []
        public var band: (low: [CurvePoint], high: [CurvePoint])?
        public var bandKind: String?

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
    /// Values the y axis must cover beyond this chart's own: the other panels' of a report, so
    /// that every panel of a metric has one y range.
    public var sharedValues: [Double] = []
    /// A line under the legend saying what the bands are.
    public var note: String?
    /// What the x axis counts, and the x value of a point's `epoch` (`epoch × xUnit`): epochs by
    /// default; a weight line's steps as α from 0 to 1.
    public var xLabel = "epoch"
    public var xUnit = 1.0

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

    /// The chart's full height: the plot, its legend rows and its note.
    public var totalHeight: Double { height + Double((legendLayout.map(\.row).max() ?? -1) + 1 + (note == nil ? 0 : 1)) * Self.legendRow }

    /// The scales: epochs across, values up.
    public var scales: (x: Scale, y: Scale) {
        let epochs = series.flatMap { $0.points.map { Double($0.epoch) * xUnit } } + markers.map { Double($0.epoch) * xUnit }
        let values = series.flatMap(\.values) + sharedValues
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
        out += "<text x=\"\(coordinate(x.end))\" y=\"\(coordinate(y.start + 28))\" text-anchor=\"end\" fill=\"currentColor\" fill-opacity=\"0.6\">\(escaped(xLabel))</text>\n"
        out += "<rect x=\"\(coordinate(x.start))\" y=\"\(coordinate(y.end))\" width=\"\(coordinate(x.end - x.start))\" height=\"\(coordinate(y.start - y.end))\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.3\"/>\n"
        // Markers under the curves.
        for m in markers {
            let px = coordinate(x.map(Double(m.epoch) * xUnit))
            out += "<line class=\"marker\" data-epoch=\"\(m.epoch)\" x1=\"\(px)\" x2=\"\(px)\" y1=\"\(coordinate(y.end))\" y2=\"\(coordinate(y.start))\" stroke=\"\(m.color)\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"><title>\(escaped(m.label))</title></line>"
            out += "<path d=\"M\(px) \(coordinate(y.end)) l-4 -6 h8 z\" fill=\"\(m.color)\"><title>\(escaped(m.label))</title></path>\n"
        }
        // Bands under every line.
        for s in series {
            guard let band = s.band, !band.low.isEmpty else { continue }
            let upper = band.high.enumerated().map { i, p in (i == 0 ? "M" : "L") + coordinate(x.map(Double(p.epoch) * xUnit)) + " " + coordinate(y.map(p.value)) }
            let lower = band.low.reversed().map { p in "L" + coordinate(x.map(Double(p.epoch) * xUnit)) + " " + coordinate(y.map(p.value)) }
            out += "<path class=\"band\" data-metric=\"\(escaped(s.metric))\" data-label=\"\(escaped(s.label))\" data-band=\"\(escaped(s.bandKind ?? ""))\" "
                + "d=\"\((upper + lower).joined(separator: " ")) Z\" fill=\"\(s.color)\" fill-opacity=\"0.16\" stroke=\"none\"/>\n"
        }
        for s in series {
            let points = drawn(s)
            guard !points.isEmpty else { continue }
            let d = points.enumerated().map { i, p in
                (i == 0 ? "M" : "L") + coordinate(x.map(Double(p.epoch) * xUnit)) + " " + coordinate(y.map(p.value))
            }.joined(separator: " ")
            let runs = s.runs.isEmpty ? "" : " data-runs=\"\(s.runs.map(String.init).joined(separator: ","))\""
            out += "<path class=\"series\" data-metric=\"\(escaped(s.metric))\"\(s.run.map { " data-run=\"\($0)\"" } ?? "")\(runs) "
                + "data-label=\"\(escaped(s.label))\" d=\"\(d)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.6\" "
                + "stroke-linejoin=\"round\"\(s.dashed ? " stroke-dasharray=\"5 3\"" : "")><title>\(escaped(s.label))</title></path>\n"
        }
        for (entry, place) in zip(legendEntries, legendLayout) {
            let ly = height + Double(place.row) * Self.legendRow + 4
            out += "<g class=\"legend\"><line x1=\"\(coordinate(place.x))\" x2=\"\(coordinate(place.x + 22))\" y1=\"\(coordinate(ly))\" y2=\"\(coordinate(ly))\" "
                + "stroke=\"\(entry.color)\" stroke-width=\"2.5\"\(entry.dashed ? " stroke-dasharray=\"5 3\"" : "")/>"
                + "<text x=\"\(coordinate(place.x + 28))\" y=\"\(coordinate(ly))\" dy=\"0.32em\" fill=\"currentColor\">\(escaped(entry.label))</text></g>\n"
        }
        if let note {
            let ly = height + Double((legendLayout.map(\.row).max() ?? -1) + 1) * Self.legendRow + 4
            out += "<text class=\"note\" x=\"\(coordinate(Self.left))\" y=\"\(coordinate(ly))\" dy=\"0.32em\" fill=\"currentColor\" fill-opacity=\"0.7\">\(escaped(note))</text>\n"
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

extension LineChart.Series {
    /// A group's mean as a series, with its band.
    public init(_ group: CurveGroup, label: String, color: String, dashed: Bool = false, band: CurveGroup.Band) {
        self.init(label: label, color: color, points: group.mean, dashed: dashed, run: group.runs.count == 1 ? group.runs[0] : nil, metric: group.metric)
        runs = group.runs
        if band != .none && group.runs.count > 1 {
            self.band = (group.low, group.high)
            bandKind = band.rawValue
        }
    }

    /// Every value the y axis must show: the points and the band's ends.
    var values: [Double] { points.map(\.value) + (band.map { $0.low.map(\.value) + $0.high.map(\.value) } ?? []) }
}
