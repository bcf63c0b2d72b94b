/// The inputs for which ``Lane/laneExpInRange`` is `eˣ`: past them `Float` is no longer normal.
private let expLow: Float = -87.3, expHigh: Float = 88.3

/// `exp`, `log`, `log1p`, `tanh` and the logistic function a ``Lane`` at a time, with Cephes's
/// single-precision polynomials (errors of a few units in the last place; `ActivationTests` and
/// `HeadTests` compare them with libm): on Linux each scalar `expf`/`tanhf` is a library call,
/// and a small network's tanh or sigmoid layer spends more time in those calls than in its
/// products.
///
/// The same source is compiled twice: here for four lanes, and in `WideLanes` for eight with
/// AVX2. Every lane goes through the same operations either way, so a value is the same bits
/// whichever ran it.
extension Lane {
    /// `eˣ`: 0 below −87.34 and infinity above 88.72, as `expf` (inputs in between are
    /// clamped to [−87.3, 88.3], where `Float` stays normal).
    @inline(__always)
    var laneExp: Lane {
        // Clamped with masks: the generic pointwiseMin/Max were calls, not instructions.
        let low = Lane(repeating: expLow), high = Lane(repeating: expHigh)
        let e = self.replacing(with: low, where: self .< low).replacing(with: high, where: self .> high).laneExpInRange
        // Past Float's range, as expf: 0 below, infinity above.
        return e.replacing(with: 0, where: self .< -87.34).replacing(with: .infinity, where: self .> 88.72)
    }

    /// `eˣ` for `x` in [−87.3, 88.3] (NaN stays NaN): ``laneExp`` without its clamps, for
    /// callers that know their range.
    @inline(__always)
    var laneExpInRange: Lane {
        let (scale, em1) = laneExpParts
        return (em1 + 1) * scale
    }

    /// `eˣ − 1` for `x` in [−87.3, 88.3], accurate near 0 as well, where `eˣ` and 1 cancel.
    @inline(__always)
    var laneExpMinusOne: Lane {
        let (scale, em1) = laneExpParts
        // 2ⁿ·(eᵗ − 1) + (2ⁿ − 1): exact for n = 0, and 2ⁿ − 1 is exact wherever it matters.
        return scale * em1 + (scale - 1)
    }

    /// `eˣ` as `2ⁿ · eᵗ` with `t = x − n·ln 2` in [−½ ln 2, ½ ln 2]: `scale` = 2ⁿ and `em1` =
    /// eᵗ − 1 (Cephes's polynomial, `t + t²·P(t)`, so that it stays accurate for tiny `t`).
    @inline(__always)
    var laneExpParts: (scale: Lane, em1: Lane) {
        let x = self
        // n = round(x / ln 2) by the 1.5·2²³ trick: the integer sits in the mantissa's low bits.
        let magic: Float = 12_582_912
        let shifted = x * 1.442_695_040_888_963_4 + magic
        let n = unsafeBitCast(shifted, to: LaneInts.self) &- Int32(bitPattern: magic.bitPattern)
        let fn = shifted - magic
        // x − n·ln 2, with ln 2 split in two for exactness.
        let t = x - fn * 0.693_359_375 + fn * 2.121_944_40e-4
        // P(t) by Estrin's scheme (pairs of terms, then powers of t²): half the chain of
        // dependent steps Horner's rule takes, which the processor was waiting on.
        let z = t * t
        let p45 = 1.987_569_150_0e-4 * t + 1.398_199_950_7e-3
        let p23 = 8.333_451_907_3e-3 * t + 4.166_579_589_4e-2
        let p01 = 1.666_666_545_9e-1 * t + 5.000_000_120_1e-1
        let p = p01 + z * (p23 + z * p45)
        return (unsafeBitCast((n &+ 127) &<< 23, to: Lane.self), p * z + t)
    }

    /// `ln x` for positive normal `x`: Cephes's `logf` (the mantissa folded into [√½, √2), a
    /// polynomial in it, the exponent's `n·ln 2` in two parts).
    @inline(__always)
    var laneLog: Lane {
        let bits = unsafeBitCast(self, to: LaneBits.self)
        let exponent = unsafeBitCast(bits &>> 23, to: LaneInts.self) &- 126
        var m = unsafeBitCast((bits & 0x007f_ffff) | 0x3f00_0000, to: Lane.self)   // in [0.5, 1)
        let low = m .< 0.707_106_781_186_547_524
        let e = Lane(exponent).replacing(with: Lane(exponent &- 1), where: low)
        m = (m - 1).replacing(with: m + m - 1, where: low)
        let z = m * m
        var y = Lane(repeating: 7.037_683_629_2e-2)
        y = y * m - 1.151_461_031_0e-1
        y = y * m + 1.167_699_874_0e-1
        y = y * m - 1.242_014_084_6e-1
        y = y * m + 1.424_932_278_7e-1
        y = y * m - 1.666_805_766_5e-1
        y = y * m + 2.000_071_476_5e-1
        y = y * m - 2.499_999_399_3e-1
        y = y * m + 3.333_333_117_4e-1
        y = y * m * z + e * -2.121_944_40e-4 - 0.5 * z
        return m + y + e * 0.693_359_375
    }

    /// `ln(1 + x)` for finite `x ≥ 0`, accurate for tiny `x` too: `ln(u)·x/(u − 1)` with
    /// `u = 1 + x` rounded (Goldberg's correction), or `x` where `u` rounds to 1. NaN stays NaN.
    @inline(__always)
    var laneLog1p: Lane {
        let u = 1 + self
        return (u.laneLog * (self / (u - 1))).replacing(with: self, where: u .== 1)
    }

    /// `|x|` of each lane.
    @inline(__always)
    var laneMagnitude: Lane {
        unsafeBitCast(unsafeBitCast(self, to: LaneBits.self) & 0x7fff_ffff, to: Lane.self)
    }

    /// `tanh(x)` as `u / (u + 2)` with `u = e²ᵃ − 1` on `a = |x|`, with the sign of x put
    /// back (so tanh(−0) = −0, and NaN stays NaN): one formula over the whole range, within 2.5
    /// units in the last place (`ActivationTests`), where `1 − 2/(e²ᵃ + 1)` needed a second
    /// polynomial near 0.
    @inline(__always)
    var laneTanh: Lane {
        // tanh is 1 in Float long before e²ᵃ leaves the range: only the upper clamp is needed.
        let twice = 2 * laneMagnitude
        let u = twice.replacing(with: expHigh, where: twice .> expHigh).laneExpMinusOne
        let magnitude = unsafeBitCast(u / (u + 2), to: LaneBits.self)
        let sign = unsafeBitCast(self, to: LaneBits.self) & 0x8000_0000
        return unsafeBitCast(magnitude | sign, to: Lane.self)
    }

    /// `1 / (1 + e⁻ˣ)`, from `e^−|x|` so that nothing overflows.
    @inline(__always)
    var laneLogistic: Lane {
        let e = (-laneMagnitude).laneExp
        let p = 1 / (1 + e)
        return p.replacing(with: e * p, where: self .< 0)
    }
}
