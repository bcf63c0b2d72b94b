// What the fused forward product's inner tile can do on this processor, outside the package
// (Benchmarks/README.md, "Engine v2, part 24"): the 4-row × 16-column tile of `LaneKernels`
// (eight-lane multiplies and adds, as the package computes them), the same tile with fused
// multiply-adds (not what the package computes: they round once, not twice), and the package's
// tile over W3's 784 × 256 layer in one pass against blocks of 64 inputs.
//
//   swiftc -O -Xcc -mavx2 -Xcc -mfma Benchmarks/kernel_tiles.swift -o /tmp/kernel-tiles
//   taskset -c 0 /tmp/kernel-tiles
//
// An x86-64 processor with AVX2 and FMA is assumed; the answers are G multiply-adds/s, the
// best of 20 rounds of 20 products.
import Foundation

typealias Lane = SIMD8<Float>

@inline(__always) func load(_ p: UnsafePointer<Float>, _ i: Int) -> Lane { UnsafeRawPointer(p + i).loadUnaligned(as: Lane.self) }
@inline(__always) func store(_ v: Lane, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
    UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Lane.self)
}

/// `y[q][k] = start[q][k] + Σ_t x[q·xq + t] · w[t·n + k]` for four rows `q` and `count` columns
/// (a multiple of 16), each sum in order of `t`; `start` is the bias (`sq` 0) or `y` itself, and
/// `add(&sum, s, v)` adds one term.
@inline(__always)
func tile(_ x: UnsafePointer<Float>, _ xq: Int, _ w: UnsafePointer<Float>, _ n: Int, _ y: UnsafeMutablePointer<Float>,
          _ start: UnsafePointer<Float>, _ sq: Int, terms: Int, count: Int, add: (inout Lane, Lane, Lane) -> Void) {
    var k = 0
    while k + 16 <= count {
        var a0 = load(start, k), a1 = load(start + sq, k), a2 = load(start + 2 * sq, k), a3 = load(start + 3 * sq, k)
        var b0 = load(start, k + 8), b1 = load(start + sq, k + 8), b2 = load(start + 2 * sq, k + 8), b3 = load(start + 3 * sq, k + 8)
        for t in 0..<terms {
            let row = w + (t &* n &+ k), lo = load(row, 0), hi = load(row, 8)
            let s0 = Lane(repeating: x[t]), s1 = Lane(repeating: x[xq &+ t])
            let s2 = Lane(repeating: x[2 &* xq &+ t]), s3 = Lane(repeating: x[3 &* xq &+ t])
            add(&a0, s0, lo); add(&b0, s0, hi)
            add(&a1, s1, lo); add(&b1, s1, hi)
            add(&a2, s2, lo); add(&b2, s2, hi)
            add(&a3, s3, lo); add(&b3, s3, hi)
        }
        store(a0, y, k); store(b0, y, k + 8); store(a1, y + n, k); store(b1, y + n, k + 8)
        store(a2, y + 2 * n, k); store(b2, y + 2 * n, k + 8); store(a3, y + 3 * n, k); store(b3, y + 3 * n, k + 8)
        k += 16
    }
}

/// The package's arithmetic: each term multiplied, then added (two roundings).
@inline(never)
func plainTile(_ x: UnsafePointer<Float>, _ xq: Int, _ w: UnsafePointer<Float>, _ n: Int, _ y: UnsafeMutablePointer<Float>,
               _ start: UnsafePointer<Float>, _ sq: Int, terms: Int, count: Int) {
    tile(x, xq, w, n, y, start, sq, terms: terms, count: count) { sum, s, v in sum += s * v }
}

/// Fused multiply-adds (one rounding a term).
@inline(never)
func fusedTile(_ x: UnsafePointer<Float>, _ xq: Int, _ w: UnsafePointer<Float>, _ n: Int, _ y: UnsafeMutablePointer<Float>,
               _ start: UnsafePointer<Float>, _ sq: Int, terms: Int, count: Int) {
    tile(x, xq, w, n, y, start, sq, terms: terms, count: count) { sum, s, v in sum.addProduct(s, v) }
}

/// `a = x · w + b` for `rows × inputs` by `inputs × outputs`, `block` inputs a pass.
func forward(fused: Bool, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ a: UnsafeMutablePointer<Float>,
             rows: Int, inputs: Int, outputs: Int, block: Int) {
    for t0 in stride(from: 0, to: inputs, by: block) {
        for r in stride(from: 0, to: rows, by: 4) {
            let y = a + r * outputs
            let (start, sq) = t0 == 0 ? (b, 0) : (UnsafePointer(y), outputs), terms = min(block, inputs - t0)
            if fused {
                fusedTile(x + r * inputs + t0, inputs, w + t0 * outputs, outputs, y, start, sq, terms: terms, count: outputs)
            } else {
                plainTile(x + r * inputs + t0, inputs, w + t0 * outputs, outputs, y, start, sq, terms: terms, count: outputs)
            }
        }
    }
}

for (rows, inputs, outputs) in [(32, 64, 128), (32, 128, 64), (64, 784, 256)] {
    let x = UnsafeMutablePointer<Float>.allocate(capacity: rows * inputs)
    let w = UnsafeMutablePointer<Float>.allocate(capacity: inputs * outputs)
    let b = UnsafeMutablePointer<Float>.allocate(capacity: outputs), a = UnsafeMutablePointer<Float>.allocate(capacity: rows * outputs)
    for i in 0..<(rows * inputs) { x[i] = Float(i % 7) * 0.1 }
    for i in 0..<(inputs * outputs) { w[i] = Float(i % 5) * 0.01 }
    b.initialize(repeating: 0.5, count: outputs)
    func rate(fused: Bool, block: Int) -> Double {
        var best = Double.infinity
        for _ in 0..<20 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<20 { forward(fused: fused, x, w, b, a, rows: rows, inputs: inputs, outputs: outputs, block: block) }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 20e9)
        }
        return Double(rows * inputs * outputs) / best / 1e9
    }
    print(String(format: "%4d × %4d × %4d  one pass: %5.1f (multiply, add)  %5.1f (fused multiply-add)   blocks of 64 inputs: %5.1f  %5.1f",
                 rows, inputs, outputs, rate(fused: false, block: inputs), rate(fused: true, block: inputs),
                 rate(fused: false, block: 64), rate(fused: true, block: 64)))
}
