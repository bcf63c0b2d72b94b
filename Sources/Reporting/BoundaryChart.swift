import Foundation

/// A ``DecisionField`` drawn as the TensorFlow Playground draws one: the network's output as a
/// diverging colour field over the plane (orange for the first class, blue for the second, pale
/// where it is undecided), the training points ringed in white and the test points in black on
/// top; and each hidden unit's own field as a thumbnail, layer by layer.
///
/// The `svg` publishes what it drew, for a reader or a test to check: the plane's domain and its
/// pixel box (`data-x-min`, `data-left`, …), the grid (`data-resolution`, `data-values`: the
/// output at each grid point, row by row from the top), the colour ramp (`data-colors`, the
/// values at its ends `data-domain`), and each point's coordinates, class and part.
public struct BoundaryChart: Sendable {
    public let field: DecisionField
    public var title: String
    /// The side of the plane in pixels.
    public var size = 300.0
    /// The side of a unit's thumbnail in pixels.
    public var thumbnail = 56.0
    /// Publish the grid's values (`data-values`): a standalone picture does; a report's frames,
    /// whose field a slider changes, do not.
    public var publishesValues = true
    /// A thumbnail for a gallery: no title, ticks or axis names, smaller points.
    public var compact = false

    public init(field: DecisionField, title: String) {
        self.field = field
        self.title = title
    }

    /// The Playground's ramp: orange (the first class, or low values), a pale grey, blue.
    public static let ramp: [(red: Double, green: Double, blue: Double)] = [(245, 147, 34), (232, 234, 235), (8, 119, 189)]

    static func hex(_ c: (red: Double, green: Double, blue: Double)) -> String {
        String(format: "#%02X%02X%02X", Int(c.red), Int(c.green), Int(c.blue))
    }

    /// The ramp's colour at `t` in [0, 1], linear between its three stops.
    public static func color(_ t: Double) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let x = min(max(t.isFinite ? t : 0.5, 0), 1) * 2
        let i = min(Int(x), 1), f = x - Double(i)
        let (a, b) = (ramp[i], ramp[i + 1])
        func mix(_ p: Double, _ q: Double) -> UInt8 { UInt8((p + (q - p) * f).rounded()) }
        return (mix(a.red, b.red), mix(a.green, b.green), mix(a.blue, b.blue))
    }

    /// A number in at most `digits` significant digits (what an attribute needs, not 17).
    static func short(_ v: Double, digits: Int = 7) -> String { String(format: "%.\(digits)g", v) }

    static let left = 44.0, top = 26.0, bottom = 34.0, right = 12.0

    /// The values at the ramp's two ends: probabilities 0 and 1; for a value, the range of the
    /// grid and the points' labels.
    public var domain: ClosedRange<Double> {
        guard field.output == .value else { return 0...1 }
        let v = field.values.map(Double.init).filter(\.isFinite) + field.points.map(\.label)
        guard let low = v.min(), let high = v.max(), high > low else { return (v.first ?? 0) - 1...(v.first ?? 0) + 1 }
        return low...high
    }

    /// The output field as pixels, one per grid point. More classes: each class's colour, faded
    /// toward the pale middle as the network is less sure.
    public var image: RasterImage {
        let n = field.resolution, d = domain
        var pixels = [UInt8](repeating: 0, count: n * n * 3)
        for k in 0..<(n * n) {
            let c: (red: UInt8, green: UInt8, blue: UInt8)
            switch field.output {
            case .probability: c = Self.color(Double(field.values[k]))
            case .value: c = Self.color((Double(field.values[k]) - d.lowerBound) / (d.upperBound - d.lowerBound))
            case .classes:
                let m = field.classes.count
                let p = field.values[(k * m)..<((k + 1) * m)]
                let best = p.indices.max { p[$0] < p[$1] } ?? 0
                let sure = m > 1 ? max(0, (Double(p[best]) - 1 / Double(m)) / (1 - 1 / Double(m))) : 1
                c = Self.classColor(best - p.startIndex, fade: 1 - sure)
            }
            (pixels[3 * k], pixels[3 * k + 1], pixels[3 * k + 2]) = c
        }
        return RasterImage(width: n, height: n, pixels: pixels)
    }

    /// Class `k`'s colour (two classes: the ramp's ends), mixed toward the ramp's pale middle by `fade`.
    static func classColor(_ k: Int, fade: Double) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let mid = ramp[1]
        let hex = Palette.color(k).dropFirst()
        let v = Int(hex, radix: 16) ?? 0
        let c = (Double(v >> 16), Double((v >> 8) & 0xff), Double(v & 0xff))
        func mix(_ p: Double, _ q: Double) -> UInt8 { UInt8((p + (q - p) * min(max(fade, 0), 1)).rounded()) }
        return (mix(c.0, mid.red), mix(c.1, mid.green), mix(c.2, mid.blue))
    }

    /// A point's fill: its class's colour (the ramp's ends for two classes), or its value on the ramp.
    func pointColor(_ p: DecisionField.Point) -> String {
        switch field.output {
        case .probability: return Self.hex(Self.ramp[p.label >= 0.5 ? 2 : 0])
        case .classes: return Palette.color(Int(p.label))
        case .value:
            let d = domain, c = Self.color((p.label - d.lowerBound) / (d.upperBound - d.lowerBound))
            return String(format: "#%02X%02X%02X", c.red, c.green, c.blue)
        }
    }

    /// The outer size of ``svg(id:)``.
    var planeSize: (width: Double, height: Double) { compact ? (size, size) : (Self.left + size + Self.right, Self.top + size + Self.bottom) }
    /// The plane's top left corner.
    private var origin: (left: Double, top: Double) { compact ? (0, 0) : (Self.left, Self.top) }

    /// The layers of hidden units, in order, and the outer size of ``unitsSVG(id:)``.
    private var unitLayers: [(key: Int, value: [DecisionField.Unit])] { Dictionary(grouping: field.units, by: \.layer).sorted { $0.key < $1.key } }
    static let thumbnailGap = 6.0, unitLabel = 86.0
    var unitsSize: (width: Double, height: Double) {
        let layers = unitLayers
        let widest = layers.map(\.value.count).max() ?? 0
        return (Self.unitLabel + Double(widest) * (thumbnail + Self.thumbnailGap), 22 + Double(layers.count) * (thumbnail + 18))
    }

    /// The plane and, below it, the hidden units: one picture for a file.
    public func standalone(id: String) -> String {
        let plane = planeSize, units = field.units.isEmpty ? (width: 0.0, height: 0.0) : unitsSize
        let width = max(plane.width, Self.left + units.width), height = plane.height + (field.units.isEmpty ? 0 : units.height + 12)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(coordinate(width)) \(coordinate(height))\" width=\"\(coordinate(width))\" "
            + "height=\"\(coordinate(height))\" role=\"img\" aria-label=\"\(escaped(title))\">\n" + svg(id: id) + "\n"
        if !field.units.isEmpty {
            out += "<g transform=\"translate(\(coordinate(Self.left)) \(coordinate(plane.height + 12)))\">" + unitsSVG(id: id + "-units") + "</g>\n"
        }
        return out + "</svg>"
    }

    /// The plane with the output field and the points, as an `<svg>` element.
    public func svg(id: String) -> String {
        let (width, height) = planeSize, (left, top) = origin
        let colors = field.output == .classes ? field.classes.indices.map { Palette.color($0) }.joined(separator: " ")
            : Self.ramp.map(Self.hex).joined(separator: " ")
        let values = publishesValues ? " data-values=\"" + field.values.map { Self.short(Double($0), digits: 4) }.joined(separator: " ") + "\"" : ""
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" class="boundary" id="\(escaped(id))" viewBox="0 0 \(coordinate(width)) \(coordinate(height))" \
            width="\(coordinate(width))" height="\(coordinate(height))" role="img" aria-label="\(escaped(title))" \
            data-x-min="\(field.x.lowerBound)" data-x-max="\(field.x.upperBound)" data-y-min="\(field.y.lowerBound)" data-y-max="\(field.y.upperBound)" \
            data-left="\(left)" data-top="\(top)" data-size="\(size)" data-resolution="\(field.resolution)" data-epoch="\(field.epoch)" \
            data-output="\(field.output)" data-classes="\(escaped(field.classes.joined(separator: " ")))" data-colors="\(colors)" \
            data-domain="\(domain.lowerBound) \(domain.upperBound)"\(values) \
            font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="11">
            <title>\(escaped(title))</title>

            """
        if !compact {
            out += "<text class=\"boundary-title\" x=\"\(coordinate(left))\" y=\"16\" font-size=\"13\" font-weight=\"600\" fill=\"currentColor\">\(escaped(title))</text>\n"
        }
        out += "<image class=\"field\" x=\"\(coordinate(left))\" y=\"\(coordinate(top))\" width=\"\(coordinate(size))\" height=\"\(coordinate(size))\" "
            + "preserveAspectRatio=\"none\" href=\"\(image.dataURL)\"/>\n"
        if !compact {
            let x = Scale(kind: .linear, values: [field.x.lowerBound, field.x.upperBound], from: left, to: left + size, tickCount: 5)
            let y = Scale(kind: .linear, values: [field.y.lowerBound, field.y.upperBound], from: top + size, to: top, tickCount: 5)
            for t in x.ticks {
                out += "<text class=\"tick\" x=\"\(coordinate(x.map(t)))\" y=\"\(coordinate(top + size + 14))\" text-anchor=\"middle\" fill=\"currentColor\" fill-opacity=\"0.75\">\(escaped(x.label(t)))</text>"
            }
            for t in y.ticks {
                out += "<text class=\"tick\" x=\"\(coordinate(left - 5))\" y=\"\(coordinate(y.map(t)))\" dy=\"0.32em\" text-anchor=\"end\" fill=\"currentColor\" fill-opacity=\"0.75\">\(escaped(y.label(t)))</text>"
            }
            out += "\n<text x=\"\(coordinate(left + size))\" y=\"\(coordinate(top + size + 28))\" text-anchor=\"end\" fill=\"currentColor\" fill-opacity=\"0.6\">\(escaped(field.columns.first ?? "x"))</text>"
            out += "<text x=\"\(coordinate(left - 30))\" y=\"\(coordinate(top + 8))\" fill=\"currentColor\" fill-opacity=\"0.6\">\(escaped(field.columns.dropFirst().first ?? "y"))</text>\n"
        }
        // Training (and validation) points ringed in white, the test points in black, on top.
        let radius = compact ? "1.5" : "2.6"
        for test in [false, true] {
            out += "<g class=\"points\" stroke=\"\(test ? "#000" : "#fff")\" stroke-width=\"\(test ? (compact ? "0.5" : "1") : (compact ? "0.4" : "0.8"))\">"
            for p in field.points where (p.part == .test) == test {
                let cx = left + (p.x - field.x.lowerBound) / (field.x.upperBound - field.x.lowerBound) * size
                let cy = top + (field.y.upperBound - p.y) / (field.y.upperBound - field.y.lowerBound) * size
                guard cx.isFinite, cy.isFinite else { continue }
                out += "<circle data-part=\"\(p.part.rawValue)\" data-x=\"\(Self.short(p.x))\" data-y=\"\(Self.short(p.y))\" data-label=\"\(Self.short(p.label))\" "
                    + "cx=\"\(coordinate(cx))\" cy=\"\(coordinate(cy))\" r=\"\(radius)\" fill=\"\(pointColor(p))\"/>"
            }
            out += "</g>\n"
        }
        out += "<rect x=\"\(coordinate(left))\" y=\"\(coordinate(top))\" width=\"\(coordinate(size))\" height=\"\(coordinate(size))\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.35\"/>\n"
        return out + "</svg>"
    }

    /// The range a unit's thumbnail spans: its activation's own where it is bounded (so a
    /// saturated tanh unit shows hard edges), else ±the largest |output| on the grid (a dead
    /// ReLU unit, all zeros, shows flat).
    public static func unitRange(_ unit: DecisionField.Unit) -> ClosedRange<Double> {
        if let bounds = unit.bounds { return bounds }
        let m = unit.values.reduce(0) { max($0, abs(Double($1)).isFinite ? abs(Double($1)) : 0) }
        return m > 0 ? -m...m : -1...1
    }

    /// One unit's field as pixels.
    public func image(of unit: DecisionField.Unit) -> RasterImage {
        let n = field.unitResolution, r = Self.unitRange(unit)
        var pixels = [UInt8](repeating: 0, count: n * n * 3)
        for k in 0..<(n * n) {
            (pixels[3 * k], pixels[3 * k + 1], pixels[3 * k + 2]) = Self.color((Double(unit.values[k]) - r.lowerBound) / (r.upperBound - r.lowerBound))
        }
        return RasterImage(width: n, height: n, pixels: pixels)
    }

    /// Every hidden unit's thumbnail, one row of thumbnails per layer, as an `<svg>` element;
    /// each carries `data-layer`, `data-unit` and its range (`data-min`, `data-max`).
    public func unitsSVG(id: String) -> String {
        let layers = unitLayers, gap = Self.thumbnailGap, label = Self.unitLabel
        let (width, height) = unitsSize
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" class="units" id="\(escaped(id))" viewBox="0 0 \(coordinate(width)) \(coordinate(height))" \
            width="\(coordinate(width))" height="\(coordinate(height))" role="img" aria-label="hidden units of epoch \(field.epoch)" \
            data-epoch="\(field.epoch)" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="11">
            <text class="units-title" x="0" y="14" font-size="13" font-weight="600" fill="currentColor">Hidden units, epoch \(field.epoch)</text>

            """
        for (row, (layer, units)) in layers.enumerated() {
            let top = 22 + Double(row) * (thumbnail + 18)
            out += "<text x=\"0\" y=\"\(coordinate(top + thumbnail / 2))\" dy=\"0.32em\" fill=\"currentColor\">layer \(layer) (\(escaped(units.first?.activation ?? "")))</text>\n"
            for (k, unit) in units.enumerated() {
                let x = label + Double(k) * (thumbnail + gap), r = Self.unitRange(unit)
                let low = unit.values.min().map(Double.init) ?? 0, high = unit.values.max().map(Double.init) ?? 0
                out += "<g class=\"unit\" data-layer=\"\(layer)\" data-unit=\"\(unit.unit)\" data-min=\"\(low)\" data-max=\"\(high)\" "
                    + "data-range=\"\(r.lowerBound) \(r.upperBound)\"><title>layer \(layer), unit \(unit.unit): output \(String(format: "%.3g", low)) to \(String(format: "%.3g", high))</title>"
                    + "<image class=\"unit-field\" x=\"\(coordinate(x))\" y=\"\(coordinate(top))\" width=\"\(coordinate(thumbnail))\" height=\"\(coordinate(thumbnail))\" preserveAspectRatio=\"none\" href=\"\(image(of: unit).dataURL)\"/>"
                    + "<rect x=\"\(coordinate(x))\" y=\"\(coordinate(top))\" width=\"\(coordinate(thumbnail))\" height=\"\(coordinate(thumbnail))\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.3\"/>"
                    + "<text x=\"\(coordinate(x + thumbnail / 2))\" y=\"\(coordinate(top + thumbnail + 12))\" text-anchor=\"middle\" fill=\"currentColor\" fill-opacity=\"0.7\">\(unit.unit)</text></g>\n"
            }
        }
        return out + "</svg>"
    }
}
