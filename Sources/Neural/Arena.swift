/// One zeroed allocation of `Float`s that an engine carves into every parameter's values,
/// gradient and optimiser moments and every layer's buffers, made once when the engine is
/// built: a training step then touches only memory it already has, through plain pointers
/// (no array's uniqueness check, no exclusivity check, no retain).
///
/// Under AddressSanitizer (`.ci/run` builds the engine's tests so) each span is an allocation
/// of its own instead, zeroed the same way: a lane read or written past a buffer's end then meets
/// the sanitizer's guard bytes rather than the next buffer, where it would go unseen.
final class Arena: @unchecked Sendable {
    private let base: UnsafeMutablePointer<Float>
    let count: Int
    private var used = 0
    /// The spans' own allocations, under AddressSanitizer.
    private var guardedSpans: [UnsafeMutablePointer<Float>] = []

    /// Whether this process runs under AddressSanitizer (its runtime defines `__asan_init`).
    static let guarded = DynamicLibrary.programDefines("__asan_init")

    /// An arena of `count` zeros.
    init(count: Int) {
        self.count = count
        let size = Self.guarded ? 1 : max(count, 1)
        base = .allocate(capacity: size)
        base.initialize(repeating: 0, count: size)
    }

    /// The next `n` floats, zeroed; every call hands out its own span.
    func take(_ n: Int) -> UnsafeMutablePointer<Float> {
        precondition(used + n <= count, "the arena of \(count) floats is too small for \(used + n)")
        defer { used += n }
        guard Self.guarded else { return base + used }
        let span = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
        span.initialize(repeating: 0, count: max(n, 1))
        guardedSpans.append(span)
        return span
    }

    deinit {
        base.deallocate()
        for span in guardedSpans { span.deallocate() }
    }
}
