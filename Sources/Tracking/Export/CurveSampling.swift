/// How an exported curve is thinned. Both methods keep a curve's first and last points and
/// its minimum and maximum, so a spike or the best epoch is never dropped.
public enum CurveSampling: Sendable, Equatable {
    /// Every point.
    case all
    /// Every K-th epoch (epochs divisible by K), plus the first, last, lowest and highest points.
    case every(Int)
    /// At most about N points: the curve is cut into N/2 equal buckets by position and each keeps
    /// its lowest and highest point (min–max decimation, as plotting tools such as M4 do), plus
    /// the first and last points.
    case points(Int)

    /// The points kept, in epoch order.
    public func apply(_ points: [CurvePoint]) -> [CurvePoint] {
        guard points.count > 2 else { return points }
        var keep = Set<Int>([0, points.count - 1])
        let lowest = points.indices.min { points[$0].value < points[$1].value }!
        let highest = points.indices.max { points[$0].value < points[$1].value }!
        switch self {
        case .all:
            return points
        case .every(let k):
            keep.formUnion([lowest, highest])
            for (i, p) in points.enumerated() where p.epoch % max(k, 1) == 0 { keep.insert(i) }
        case .points(let n):
            guard points.count > max(n, 2) else { return points }
            let buckets = max(1, n / 2)
            for b in 0..<buckets {
                let range = (b * points.count / buckets)..<((b + 1) * points.count / buckets)
                guard !range.isEmpty else { continue }
                keep.insert(range.min { points[$0].value < points[$1].value }!)
                keep.insert(range.max { points[$0].value < points[$1].value }!)
            }
        }
        return keep.sorted().map { points[$0] }
    }
}
