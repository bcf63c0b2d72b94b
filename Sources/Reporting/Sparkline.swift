/// A curve drawn in one line of block characters (▁▂▃▄▅▆▇█), for a terminal.
public struct Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    let values: [Double]

    public init(values: [Double]) { self.values = values }

    /// At most `width` characters: each the mean of its share of the values, scaled between the
    /// lowest and highest of `range` (the values' own by default).
    public func render(width: Int = 40, range: ClosedRange<Double>? = nil) -> String {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty else { return "" }
        let buckets = min(width, finite.count)
        let means = (0..<buckets).map { b -> Double in
            let slice = finite[(b * finite.count / buckets)..<((b + 1) * finite.count / buckets)]
            return slice.reduce(0, +) / Double(slice.count)
        }
        let low = range?.lowerBound ?? finite.min()!, high = range?.upperBound ?? finite.max()!
        return String(means.map { v in
            guard high > low else { return Self.blocks[0] }
            let level = Int(((v - low) / (high - low) * Double(Self.blocks.count - 1)).rounded())
            return Self.blocks[min(max(level, 0), Self.blocks.count - 1)]
        })
    }
}
