/// A ``Lane``'s loads and stores, whatever its width (shared with `WideLanes`, as
/// `Lane+Math.swift` is).
extension Lane {
    /// The values at `p[i..<i+Lane.scalarCount]`.
    @inline(__always)
    init(_ p: UnsafePointer<Float>, _ i: Int) {
        self = UnsafeRawPointer(p + i).loadUnaligned(as: Lane.self)
    }

    /// Writes the values to `p[i..<i+Lane.scalarCount]`.
    @inline(__always)
    func store(_ p: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: self, as: Lane.self)
    }
}
