/// A ``LockstepNetwork``'s products, eight models in the lanes of every value, each lane doing
/// what ``Kernels/forward(x:w:b:a:rows:inputs:outputs:columns:)``,
/// ``Kernels/weightGradients(x:d:gw:gb:rows:inputs:outputs:columns:)`` and
/// ``Kernels/inputGradient(d:w:wt:dx:rows:inputs:outputs:columns:)`` do for its model, in their
/// order: each sum from its first value (the bias, or 0) over its terms in order. Shared with
/// `WideLanes` (a link to this file), where a `SIMD8<Float>` is one AVX register instead of two
/// SSE ones; ``VectorLanes`` picks. Four sums go side by side, held in registers while their
/// terms go by (alone, each was a chain of dependent additions the processor waited on).
enum LockstepKernels {
    /// `a[r, :] = b + x[r, :]·w`: the outputs of whole groups of four as running sums from the
    /// bias, the last `outputs % 4` (a one-logit layer's) as four partial sums plus a tail.
    static func forward(x: UnsafePointer<SIMD8<Float>>, w: UnsafePointer<SIMD8<Float>>, b: UnsafePointer<SIMD8<Float>>,
                        a: UnsafeMutablePointer<SIMD8<Float>>, rows: Int, inputs d: Int, outputs n: Int) {
        let grouped = n / 4 * 4
        for r in 0..<rows {
            let xr = x + r * d, ar = a + r * n
            sums(count: grouped, terms: d, from: b, into: ar) { xr[$0] } vector: { w + $0 * n }
            for j in grouped..<n {
                var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>(), tail = SIMD8<Float>(), p = 0
                while p + 4 <= d {
                    s0 += xr[p] * w[p * n + j]
                    s1 += xr[p + 1] * w[(p + 1) * n + j]
                    s2 += xr[p + 2] * w[(p + 2) * n + j]
                    s3 += xr[p + 3] * w[(p + 3) * n + j]
                    p += 4
                }
                while p < d { tail += xr[p] * w[p * n + j]; p += 1 }
                ar[j] = b[j] + ((((s0 + s1) + s2) + s3) + tail)
            }
        }
    }

    /// `gw = xᵀ·d`, `gb = Σ_r d[r, :]` (each over the rows in order, from 0) and, when `dx` is
    /// given, `dx = d·wᵀ` (each input's sum over the outputs in order, from 0).
    static func backward(x: UnsafePointer<SIMD8<Float>>, d: UnsafePointer<SIMD8<Float>>, w: UnsafePointer<SIMD8<Float>>,
                         gw: UnsafeMutablePointer<SIMD8<Float>>, gb: UnsafeMutablePointer<SIMD8<Float>>,
                         dx: UnsafeMutablePointer<SIMD8<Float>>?, rows: Int, inputs: Int, outputs n: Int) {
        // gb as a row of ones times d; gw row i as column i of x times d.
        sums(count: n, terms: rows, from: nil, into: gb) { _ in SIMD8<Float>(repeating: 1) } vector: { d + $0 * n }
        for i in 0..<inputs {
            sums(count: n, terms: rows, from: nil, into: gw + i * n) { x[$0 * inputs + i] } vector: { d + $0 * n }
        }
        guard let dx else { return }
        // dx[r, i] over the outputs j in order: w's row i read with the stride of a row.
        for r in 0..<rows {
            let dr = d + r * n
            sums(count: inputs, terms: n, from: nil, into: dx + r * inputs, stride: n) { dr[$0] } vector: { w + $0 }
        }
    }

    /// `y[k] = initial[k] + Σ_t s(t) · v(t)[k · stride]` for `k` in `0..<count`, each from
    /// `initial[k]` (0 without it) over `t` in order, four values of `k` side by side.
    @inline(__always)
    private static func sums(count: Int, terms: Int, from initial: UnsafePointer<SIMD8<Float>>?, into y: UnsafeMutablePointer<SIMD8<Float>>,
                             stride: Int = 1, scalar s: (Int) -> SIMD8<Float>, vector v: (Int) -> UnsafePointer<SIMD8<Float>>) {
        @inline(__always) func start(_ k: Int) -> SIMD8<Float> { initial?[k] ?? SIMD8<Float>() }
        var k = 0
        while k + 4 <= count {
            var a0 = start(k), a1 = start(k + 1), a2 = start(k + 2), a3 = start(k + 3)
            for t in 0..<terms {
                let st = s(t), vt = v(t) + k * stride
                a0 += st * vt[0]
                a1 += st * vt[stride]
                a2 += st * vt[2 * stride]
                a3 += st * vt[3 * stride]
            }
            y[k] = a0
            y[k + 1] = a1
            y[k + 2] = a2
            y[k + 3] = a3
            k += 4
        }
        while k < count {
            var acc = start(k)
            for t in 0..<terms { acc += s(t) * v(t)[k * stride] }
            y[k] = acc
            k += 1
        }
    }
}
