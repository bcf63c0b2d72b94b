import Foundation

/// How values are spread, as outlined bars over shared bins: one layer's weights (or its hidden
/// units' outputs) at a few epochs overlaid, so that a distribution's drift through training
/// shows — weights spreading out, tanh units piling up at ±1, ReLUs collapsing onto 0.
///
/// The `svg` element publishes its bins (`data-min`, `data-max`, `data-bins`), and each outline
/// its `data-label` and raw `data-counts`; heights are shares of the outline's values.
public struct Histogram: Sendable {
    public struct Series: Sendable {
        public var label: String
        public var color: String
        public var values: [Float]

        public init(label: String, color: String, values: [Float]) {
            self.label = label
            self.color = color
            self.values = values
        }
    }

    public var title: String
    public var series: [Series]
    /// About twice the square root of the largest series' count, 8 to 40: a 2-8-1 net's 16 first-layer
    /// weights get 8 bins, a 784-128 layer's 100,352 get 40.
    public var bins: Int
    public var width = 300.0, height = 170.0

    public init(title: String, series: [Series]) {
        self.title = title
        self.series = series
        bins = min(40, max(8, Int((2 * Double(series.map(\.values.count).max() ?? 0).squareRoot()).rounded())))
    }

    static let left = 40.0, right = 10.0, top = 26.0, bottom = 40.0

    /// The bins' range: every finite value of every series (widened when they are all equal).
    public var range: ClosedRange<Double> {
        let finite = series.flatMap { $0.values.lazy.filter(\.isFinite).map(Double.init) }
        guard let low = finite.min(), let high = finite.max() else { return 0...1 }
        return low == high ? (low - 0.5)...(high + 0.5) : low...high
    }

    /// How many of `values` fall in each bin; the last bin holds its upper edge.
    public func counts(_ values: [Float]) -> [Int] {
        let r = range, width = (r.upperBound - r.lowerBound) / Double(bins)
        var out = [Int](repeating: 0, count: bins)
        for v in values where v.isFinite {
            out[min(bins - 1, max(0, Int((Double(v) - r.lowerBound) / width)))] += 1
        }
        return out
    }

    public func svg(id: String) -> String {
        let r = range
        let x = Scale(kind: .linear, values: [r.lowerBound, r.upperBound], from: Self.left, to: width - Self.right, tickCount: 6)
        let (y0, y1) = (height - Self.bottom, Self.top)
        let counted = series.map { counts($0.values) }
        let shares = zip(series, counted).map { s, c in c.map { Double($0) / Double(max(1, s.values.count)) } }
        let peak = max(shares.flatMap { $0 }.max() ?? 1, 1e-12)
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" class="histogram" id="\(escaped(id))" viewBox="0 0 \(coordinate(width)) \(coordinate(height))" \
            width="\(coordinate(width))" height="\(coordinate(height))" role="img" aria-label="\(escaped(title))" \
            data-min="\(r.lowerBound)" data-max="\(r.upperBound)" data-bins="\(bins)" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="10">
            <text x="0" y="13" font-size="12" font-weight="600" fill="currentColor">\(escaped(title))</text>
            <line x1="\(coordinate(Self.left))" y1="\(coordinate(y0))" x2="\(coordinate(width - Self.right))" y2="\(coordinate(y0))" stroke="currentColor" stroke-opacity="0.5"/>

            """
        for t in x.ticks where t >= r.lowerBound - 1e-12 && t <= r.upperBound + 1e-12 {
            out += "<text x=\"\(coordinate(x.map(t)))\" y=\"\(coordinate(y0 + 13))\" text-anchor=\"middle\" fill=\"currentColor\" fill-opacity=\"0.75\">\(escaped(x.label(t)))</text>"
        }
        let binWidth = (r.upperBound - r.lowerBound) / Double(bins)
        for (s, (series, share)) in zip(counted, zip(series, shares)) {
            var d = "M\(coordinate(x.map(r.lowerBound))) \(coordinate(y0))"
            for (b, h) in share.enumerated() {
                let py = y0 - h / peak * (y0 - y1)
                d += " L\(coordinate(x.map(r.lowerBound + Double(b) * binWidth))) \(coordinate(py)) L\(coordinate(x.map(r.lowerBound + Double(b + 1) * binWidth))) \(coordinate(py))"
            }
            d += " L\(coordinate(x.map(r.upperBound))) \(coordinate(y0)) Z"
            out += "<path class=\"bars\" data-label=\"\(escaped(series.label))\" data-counts=\"\(s.map(String.init).joined(separator: ","))\" d=\"\(d)\" "
                + "fill=\"\(series.color)\" fill-opacity=\"0.12\" stroke=\"\(series.color)\" stroke-width=\"1.4\"><title>\(escaped("\(series.label): \(series.values.count) values"))</title></path>\n"
        }
        var lx = Self.left
        for s in series {
            out += "<g class=\"legend\"><rect x=\"\(coordinate(lx))\" y=\"\(coordinate(height - 14))\" width=\"10\" height=\"10\" fill=\"\(s.color)\"/>"
                + "<text x=\"\(coordinate(lx + 14))\" y=\"\(coordinate(height - 9))\" dy=\"0.32em\" fill=\"currentColor\">\(escaped(s.label))</text></g>"
            lx += 22 + Double(s.label.count) * 5.8
        }
        return out + "</svg>"
    }
}
