/// One zeroed allocation of `Float`s that an engine carves into every parameter's values,
/// gradient and optimiser moments and every layer's buffers, made once when the engine is
/// built: a training step then touches only memory it already has, through plain pointers
/// (no array's uniqueness check, no exclusivity check, no retain).
final class Arena: @unchecked Sendable {
    private let base: UnsafeMutablePointer<Float>
    let count: Int
    private var used = 0

    /// An arena of `count` zeros.
    init(count: Int) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
    }

    /// The next `n` floats, zeroed; every call hands out its own span.
    func take(_ n: Int) -> UnsafeMutablePointer<Float> {
        precondition(used + n <= count, "the arena of \(count) floats is too small for \(used + n)")
        defer { used += n }
        return base + used
    }

    deinit { base.deallocate() }
}
