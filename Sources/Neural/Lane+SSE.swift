#if arch(x86_64)
internal import _Builtin_intrinsics.intel

/// ``Lane``'s arithmetic, comparisons and blends as SSE instructions.
///
/// The standard library writes `SIMD4<Float>`'s operators one lane at a time and leaves it to
/// LLVM to put the lanes back together; in a long chain (a polynomial after a blend) it did so
/// only in part, and the binary head's `log1p` ran one value at a time (154 scalar
/// multiplications and additions against 24 four-lane ones). These overloads, more specific than
/// the standard library's, are each one instruction from the start. Each computes what the
/// standard library's operator computes, bit for bit (IEEE arithmetic; NaN compares false, and
/// unequal with `.!=`); other targets keep the standard library's.
extension SIMD4 where Scalar == Float {
    @inline(__always) static func + (a: Lane, b: Lane) -> Lane { _mm_add_ps(a, b) }
    @inline(__always) static func - (a: Lane, b: Lane) -> Lane { _mm_sub_ps(a, b) }
    @inline(__always) static func * (a: Lane, b: Lane) -> Lane { _mm_mul_ps(a, b) }
    @inline(__always) static func / (a: Lane, b: Lane) -> Lane { _mm_div_ps(a, b) }
    @inline(__always) static func + (a: Lane, b: Float) -> Lane { _mm_add_ps(a, _mm_set1_ps(b)) }
    @inline(__always) static func - (a: Lane, b: Float) -> Lane { _mm_sub_ps(a, _mm_set1_ps(b)) }
    @inline(__always) static func * (a: Lane, b: Float) -> Lane { _mm_mul_ps(a, _mm_set1_ps(b)) }
    @inline(__always) static func / (a: Lane, b: Float) -> Lane { _mm_div_ps(a, _mm_set1_ps(b)) }
    @inline(__always) static func + (a: Float, b: Lane) -> Lane { _mm_add_ps(_mm_set1_ps(a), b) }
    @inline(__always) static func - (a: Float, b: Lane) -> Lane { _mm_sub_ps(_mm_set1_ps(a), b) }
    @inline(__always) static func * (a: Float, b: Lane) -> Lane { _mm_mul_ps(_mm_set1_ps(a), b) }
    @inline(__always) static func / (a: Float, b: Lane) -> Lane { _mm_div_ps(_mm_set1_ps(a), b) }
    /// The sign bit flipped, as `-x` (so −0 for 0, and NaN stays NaN).
    @inline(__always) static prefix func - (a: Lane) -> Lane { _mm_xor_ps(a, _mm_set1_ps(-0.0)) }

    @inline(__always) static func += (a: inout Lane, b: Lane) { a = a + b }
    @inline(__always) static func -= (a: inout Lane, b: Lane) { a = a - b }
    @inline(__always) static func *= (a: inout Lane, b: Lane) { a = a * b }
    @inline(__always) static func += (a: inout Lane, b: Float) { a = a + b }
    @inline(__always) static func *= (a: inout Lane, b: Float) { a = a * b }

    @inline(__always) static func .< (a: Lane, b: Lane) -> Mask { Mask(_mm_cmplt_ps(a, b)) }
    @inline(__always) static func .<= (a: Lane, b: Lane) -> Mask { Mask(_mm_cmple_ps(a, b)) }
    @inline(__always) static func .> (a: Lane, b: Lane) -> Mask { Mask(_mm_cmpgt_ps(a, b)) }
    @inline(__always) static func .>= (a: Lane, b: Lane) -> Mask { Mask(_mm_cmpge_ps(a, b)) }
    @inline(__always) static func .== (a: Lane, b: Lane) -> Mask { Mask(_mm_cmpeq_ps(a, b)) }
    @inline(__always) static func .< (a: Lane, b: Float) -> Mask { a .< Lane(repeating: b) }
    @inline(__always) static func .<= (a: Lane, b: Float) -> Mask { a .<= Lane(repeating: b) }
    @inline(__always) static func .> (a: Lane, b: Float) -> Mask { a .> Lane(repeating: b) }
    @inline(__always) static func .>= (a: Lane, b: Float) -> Mask { a .>= Lane(repeating: b) }
    @inline(__always) static func .== (a: Lane, b: Float) -> Mask { a .== Lane(repeating: b) }

    /// `other` where `mask` is set, `self` elsewhere: three bitwise instructions.
    @inline(__always) func replacing(with other: Lane, where mask: Mask) -> Lane {
        let k = unsafeBitCast(mask, to: Lane.self)
        return _mm_or_ps(_mm_and_ps(k, other), _mm_andnot_ps(k, self))
    }

    @inline(__always) func replacing(with other: Float, where mask: Mask) -> Lane {
        replacing(with: Lane(repeating: other), where: mask)
    }
}

extension SIMDMask where Storage == SIMD4<Int32> {
    /// The mask an SSE comparison left: every bit of a lane set where it holds.
    @inline(__always) init(_ lanes: Lane) { self = unsafeBitCast(lanes, to: Self.self) }
}
#endif

extension SIMD4 where Scalar == Float {
    /// The mask of a comparison of lanes.
    typealias Mask = SIMDMask<SIMD4<Int32>>
}
