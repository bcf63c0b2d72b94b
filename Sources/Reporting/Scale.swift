import Foundation

/// Maps data values to pixels along one axis, linearly or by decades, over a domain widened to
/// round tick values so that the ticks read well (0, 0.2, 0.4 … or 0.001, 0.01, 0.1).
public struct Scale: Sendable, Equatable {
    public enum Kind: String, Sendable { case linear, log }

    public let kind: Kind
    /// The data range the axis shows, after rounding out to ticks.
    public let domain: ClosedRange<Double>
    /// The pixels `domain.lowerBound` and `domain.upperBound` map to (`start` > `end` for a y axis,
    /// whose pixels grow downwards).
    public let start: Double
    public let end: Double
    /// Where ticks go, inside the domain.
    public let ticks: [Double]

    /// A scale over `values` (non-finite ones ignored; for `.log`, non-positive ones too).
    public init(kind: Kind, values: [Double], from start: Double, to end: Double, tickCount: Int = 5) {
        self.kind = kind
        self.start = start
        self.end = end
        let finite = values.filter { $0.isFinite && (kind == .linear || $0 > 0) }
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        switch kind {
        case .linear:
            if low == high { low -= low == 0 ? 1 : abs(low) * 0.1; high += high == 0 ? 1 : abs(high) * 0.1 }
            let step = Self.niceStep((high - low) / Double(max(tickCount, 2)))
            low = (low / step).rounded(.down) * step
            high = (high / step).rounded(.up) * step
            domain = low...high
            // Each tick rounded to 12 significant digits, so that 3 × 0.2 is 0.6.
            ticks = stride(from: low, through: high + step / 2, by: step).map { Double(String(format: "%.12g", ($0 / step).rounded() * step))! }
        case .log:
            if finite.isEmpty { low = 1; high = 10 }
            var lo = log10(low).rounded(.down), hi = log10(high).rounded(.up)
            if lo == hi { hi += 1 }
            domain = pow(10, lo)...pow(10, hi)
            let decades = Int(hi - lo)
            // Every decade, or every k-th when there are many.
            let every = max(1, Int((Double(decades) / Double(max(tickCount, 2))).rounded(.up)))
            var t: [Double] = []
            while lo <= hi { t.append(pow(10, lo)); lo += Double(every) }
            ticks = t
        }
    }

    /// A log scale when the positive values span more than `decades` decades, else linear.
    public static func automatic(values: [Double], from start: Double, to end: Double, decades: Double = 1.3) -> Scale {
        let positive = values.filter { $0.isFinite && $0 > 0 }
        let spansDecades = positive.count == values.filter(\.isFinite).count && !positive.isEmpty
            && log10(positive.max()! / positive.min()!) > decades
        return Scale(kind: spansDecades ? .log : .linear, values: values, from: start, to: end)
    }

    /// The pixel of a value (clamped into the domain for a log scale's non-positive values).
    public func map(_ v: Double) -> Double {
        let t: Double
        switch kind {
        case .linear: t = (v - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        case .log: t = (log10(max(v, domain.lowerBound)) - log10(domain.lowerBound)) / (log10(domain.upperBound) - log10(domain.lowerBound))
        }
        return start + t * (end - start)
    }

    /// A tick's label: `0.25`, `1e-05`, `2k`, … short enough never to run into the next one.
    public func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        if kind == .log || abs(v) < 1e-3 || abs(v) >= 1e5 {
            let exponent = Int(log10(abs(v)).rounded())
            if abs(v - pow(10, Double(exponent))) < 1e-9 * abs(v) { return exponent >= 0 && exponent <= 4 ? String(format: "%.0f", v) : "1e\(exponent)" }
            return String(format: "%.0e", v)
        }
        var s = String(format: "%.6f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = pow(10, log10(raw).rounded(.down)), f = raw / power
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power
    }
}
