import Foundation

/// Student's t distribution with `degreesOfFreedom` ν (any real ν > 0, as Welch's test needs):
/// the tail probabilities and quantiles behind every confidence interval Gradbook prints.
///
/// The distribution function comes from the regularised incomplete beta function,
/// `P(|T| > t) = I_x(ν/2, 1/2)` with `x = ν / (ν + t²)` (Abramowitz & Stegun 26.7.1), evaluated by
/// its continued fraction (Numerical Recipes §6.4, modified Lentz); quantiles invert it by
/// bisection, which needs no starting guess and reaches `Double`'s resolution in ~100 halvings.
public struct StudentT: Sendable, Equatable {
    public let degreesOfFreedom: Double

    public init(degreesOfFreedom: Double) {
        precondition(degreesOfFreedom > 0, "Student's t needs positive degrees of freedom")
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// P(T ≤ t).
    public func cdf(_ t: Double) -> Double {
        guard t.isFinite else { return t > 0 ? 1 : 0 }
        let ν = degreesOfFreedom
        let tail = 0.5 * Self.regularizedBeta(ν / (ν + t * t), ν / 2, 0.5)
        return t > 0 ? 1 - tail : tail
    }

    /// The two-sided p-value of an observed statistic: P(|T| ≥ |t|).
    public func twoSidedP(_ t: Double) -> Double {
        guard t.isFinite else { return t.isNaN ? .nan : 0 }
        let ν = degreesOfFreedom
        return Self.regularizedBeta(ν / (ν + t * t), ν / 2, 0.5)
    }

    /// The t with P(T ≤ t) = p, for p in (0, 1).
    public func quantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "a quantile needs a probability strictly between 0 and 1")
        if p == 0.5 { return 0 }
        if p < 0.5 { return -quantile(1 - p) }
        var low = 0.0, high = 1.0
        while cdf(high) < p { low = high; high *= 2 }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if mid == low || mid == high { break }
            if cdf(mid) < p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    /// The half-width multiplier of a two-sided interval at `level` (0.95 → t₀.₉₇₅,ν).
    public func critical(level: Double) -> Double { quantile(0.5 + level / 2) }

    /// I_x(a, b), the regularised incomplete beta function.
    static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x))
        // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
        if x < (a + 1) / (a + b + 2) { return front * continuedFraction(x, a, b) / a }
        return 1 - front * continuedFraction(1 - x, b, a) / b
    }

    private static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300, epsilon = 1e-16
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...500 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((a - 1 + m2) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            h *= step
            if abs(step - 1) < epsilon { break }
        }
        return h
    }
}
