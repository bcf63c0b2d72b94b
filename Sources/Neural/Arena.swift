/// One zeroed allocation of `Element`s that an engine carves into every parameter's values,
/// gradient and optimiser moments and every layer's buffers, made once when the engine is
/// built: a training step then touches only memory it already has, through plain pointers
/// (no array's uniqueness check, no exclusivity check, no retain). ``Network`` carves `Float`s;
/// ``LockstepNetwork`` carves its models' `SIMD8` lanes, and `Float`s for one model's head.
///
/// Under AddressSanitizer (`.ci/run` builds the engine's tests so) each span is an allocation
/// of its own instead, zeroed the same way: a lane read or written past a buffer's end then meets
/// the sanitizer's guard bytes rather than the next buffer, where it would go unseen.
final class Arena<Element: BitwiseCopyable>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<Element>
    let count: Int
    private let zero: Element
    private var used = 0
    /// The spans' own allocations, under AddressSanitizer.
    private var guardedSpans: [UnsafeMutablePointer<Element>] = []

    /// An arena of `count` copies of `zero`.
    init(count: Int, zero: Element) {
        self.count = count
        self.zero = zero
        let size = addressSanitizerRuns ? 1 : max(count, 1)
        base = .allocate(capacity: size)
        base.initialize(repeating: zero, count: size)
    }

    /// The next `n` elements, zeroed; every call hands out its own span.
    func take(_ n: Int) -> UnsafeMutablePointer<Element> {
        precondition(used + n <= count, "the arena of \(count) elements is too small for \(used + n)")
        defer { used += n }
        guard addressSanitizerRuns else { return base + used }
        let span = UnsafeMutablePointer<Element>.allocate(capacity: max(n, 1))
        span.initialize(repeating: zero, count: max(n, 1))
        guardedSpans.append(span)
        return span
    }

    deinit {
        base.deallocate()
        for span in guardedSpans { span.deallocate() }
    }
}

extension Arena where Element == Float {
    /// An arena of `count` zeros.
    convenience init(count: Int) { self.init(count: count, zero: 0) }
}

/// Whether this process runs under AddressSanitizer (its runtime defines `__asan_init`).
private let addressSanitizerRuns = DynamicLibrary.programDefines("__asan_init")
