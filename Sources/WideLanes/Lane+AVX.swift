#if arch(x86_64)
internal import _Builtin_intrinsics.intel

/// ``Lane``'s arithmetic and blends as AVX instructions, as `Neural`'s `Lane+SSE.swift` gives
/// the four-lane build SSE's: the standard library writes `SIMD8<Float>`'s operators one lane at
/// a time and LLVM put a polynomial's lanes back together only in part (the binary head's
/// `log1p` ran 85 scalar multiplications and additions). Each computes what the standard
/// library's operator computes, bit for bit (IEEE arithmetic).
extension SIMD8 where Scalar == Float {
    @inline(__always) static func + (a: Lane, b: Lane) -> Lane { _mm256_add_ps(a, b) }
    @inline(__always) static func - (a: Lane, b: Lane) -> Lane { _mm256_sub_ps(a, b) }
    @inline(__always) static func * (a: Lane, b: Lane) -> Lane { _mm256_mul_ps(a, b) }
    @inline(__always) static func / (a: Lane, b: Lane) -> Lane { _mm256_div_ps(a, b) }
    @inline(__always) static func + (a: Lane, b: Float) -> Lane { _mm256_add_ps(a, _mm256_set1_ps(b)) }
    @inline(__always) static func - (a: Lane, b: Float) -> Lane { _mm256_sub_ps(a, _mm256_set1_ps(b)) }
    @inline(__always) static func * (a: Lane, b: Float) -> Lane { _mm256_mul_ps(a, _mm256_set1_ps(b)) }
    @inline(__always) static func / (a: Lane, b: Float) -> Lane { _mm256_div_ps(a, _mm256_set1_ps(b)) }
    @inline(__always) static func + (a: Float, b: Lane) -> Lane { _mm256_add_ps(_mm256_set1_ps(a), b) }
    @inline(__always) static func - (a: Float, b: Lane) -> Lane { _mm256_sub_ps(_mm256_set1_ps(a), b) }
    @inline(__always) static func * (a: Float, b: Lane) -> Lane { _mm256_mul_ps(_mm256_set1_ps(a), b) }
    @inline(__always) static func / (a: Float, b: Lane) -> Lane { _mm256_div_ps(_mm256_set1_ps(a), b) }
    /// The sign bit flipped, as `-x` (so −0 for 0, and NaN stays NaN).
    @inline(__always) static prefix func - (a: Lane) -> Lane { _mm256_xor_ps(a, _mm256_set1_ps(-0.0)) }

    @inline(__always) static func += (a: inout Lane, b: Lane) { a = a + b }
    @inline(__always) static func -= (a: inout Lane, b: Lane) { a = a - b }
    @inline(__always) static func *= (a: inout Lane, b: Lane) { a = a * b }
    @inline(__always) static func += (a: inout Lane, b: Float) { a = a + b }
    @inline(__always) static func *= (a: inout Lane, b: Float) { a = a * b }

    /// `other` where `mask` is set, `self` elsewhere: one blend.
    @inline(__always) func replacing(with other: Lane, where mask: SIMDMask<SIMD8<Int32>>) -> Lane {
        _mm256_blendv_ps(self, other, unsafeBitCast(mask, to: Lane.self))
    }

    @inline(__always) func replacing(with other: Float, where mask: SIMDMask<SIMD8<Int32>>) -> Lane {
        replacing(with: Lane(repeating: other), where: mask)
    }

    /// The square root of each lane (IEEE's, as `Float.squareRoot()`), in one instruction.
    @inline(__always) var laneSquareRoot: Lane { _mm256_sqrt_ps(self) }
}
#else
extension SIMD8 where Scalar == Float {
    /// The square root of each lane (this module is never called off x86-64; it compiles).
    var laneSquareRoot: Lane {
        var r = self
        for k in r.indices { r[k] = r[k].squareRoot() }
        return r
    }
}
#endif
