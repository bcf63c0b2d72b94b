import Foundation

/// A deterministic random-number generator: xoshiro256** seeded through SplitMix64.
///
/// Gradbook promises that the same configuration and seed give the same loss curve bit for
/// bit, so every random draw (data generation, splitting, initialisation, shuffling,
/// dropout) goes through this generator and through its own sampling functions rather than
/// the standard library's, whose algorithms may change between Swift releases.
///
/// Independent streams come from ``derived(_:)``: the data set, the initial weights, the
/// minibatch order and the dropout masks each get their own, so changing one does not shift
/// the others.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// The seed this generator was made from.
    public let seed: UInt64

    /// Creates a generator whose whole sequence is fixed by `seed`.
    public init(seed: UInt64) {
        self.seed = seed
        var sm = seed
        state = (Self.splitMix(&sm), Self.splitMix(&sm), Self.splitMix(&sm), Self.splitMix(&sm))
    }

    /// The generator's whole state, to continue its sequence elsewhere (a resumed run).
    public var words: [UInt64] {
        get { [seed, state.0, state.1, state.2, state.3] }
    }

    /// The generator whose state ``words`` gave; nil for words of another shape.
    public init?(words: [UInt64]) {
        guard words.count == 5 else { return nil }
        seed = words[0]
        state = (words[1], words[2], words[3], words[4])
    }

    /// A new generator for an independent stream named by `stream` (for example 1 for the
    /// initial weights, 2 for shuffling).
    public func derived(_ stream: UInt64) -> SeededGenerator {
        var mix = seed ^ (stream &* 0x9E37_79B9_7F4A_7C15)
        return SeededGenerator(seed: Self.splitMix(&mix))
    }

    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    /// A uniform `Double` in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform `Double` in [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * nextUnit()
    }

    /// A standard normal draw (Marsaglia's polar method, the one the TensorFlow Playground uses).
    public mutating func normal() -> Double {
        while true {
            let v1 = 2 * nextUnit() - 1
            let v2 = 2 * nextUnit() - 1
            let s = v1 * v1 + v2 * v2
            if s > 0 && s < 1 {
                return (-2 * log(s) / s).squareRoot() * v1
            }
        }
    }

    /// A uniform integer in 0..<bound, without modulo bias (Lemire's method).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// Shuffles `array` in place (Fisher–Yates). Inlinable, so that a caller in another module
    /// gets it specialised for its element type: unspecialised, each swap went through the
    /// generic witnesses and allocated twice (counted by `alloc-count`).
    @inlinable
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        array.withUnsafeMutableBufferPointer { a in
            for i in stride(from: a.count - 1, to: 0, by: -1) {
                a.swapAt(i, below(i + 1))
            }
        }
    }

    private static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@inline(__always)
private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
