#if arch(x86_64)
internal import _Builtin_intrinsics.intel
#endif

/// Four `Float`s at a time (one SSE register, the widest the baseline x86-64 and arm64 targets
/// both have): the unit of the element-wise loops that the compiler leaves scalar on its own,
/// because it cannot prove that a step's buffers do not overlap, and because
/// `Float.squareRoot()` is a call to `sqrtf` on Linux.
typealias Lane = SIMD4<Float>
/// ``Lane``'s bits, and its lanes as integers (the shared math, `Lane+Math.swift`, names these).
typealias LaneBits = SIMD4<UInt32>
typealias LaneInts = SIMD4<Int32>

extension SIMD4 where Scalar == Float {
    /// The first `count` (at most four) values at `p`, the other lanes 0. Each count is built
    /// from its own loads: setting lane `j` of a vector in a loop went through memory (the
    /// vector stored, one lane overwritten, the whole read back), a stall the processor could
    /// not forward, a quarter of a ten-class head's time.
    @inline(__always)
    init(_ p: UnsafePointer<Float>, count: Int) {
        switch count {
        case 4...: self = Lane(p, 0)
        case 3: self = Lane(p[0], p[1], p[2], 0)
        case 2: self = Lane(p[0], p[1], 0, 0)
        case 1: self = Lane(p[0], 0, 0, 0)
        default: self = Lane()
        }
    }

    /// Writes the first `count` (at most four) lanes to `p`: the partner of ``init(_:count:)``.
    @inline(__always)
    func store(_ p: UnsafeMutablePointer<Float>, count: Int) {
        switch count {
        case 4...: store(p, 0)
        case 3: p[0] = self[0]; p[1] = self[1]; p[2] = self[2]
        case 2: p[0] = self[0]; p[1] = self[1]
        case 1: p[0] = self[0]
        default: break
        }
    }

    /// The square root of each lane, in one instruction where the target has one.
    @inline(__always)
    var laneSquareRoot: Lane {
        #if arch(x86_64)
        _mm_sqrt_ps(self)
        #else
        Lane(self[0].squareRoot(), self[1].squareRoot(), self[2].squareRoot(), self[3].squareRoot())
        #endif
    }
}
