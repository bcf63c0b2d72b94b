/// `Σ v²` over a stream of lanes in four independent chains: block `b` of the stream goes to
/// chain `b mod 4` (the chains rotate), so consecutive additions do not wait on each other, as
/// one running sum makes every block wait for the last one's addition.
///
/// ``Kernels/activationSquares(_:count:)`` sums an activation's Σy² so, where its layer's width
/// is not whole lanes or its outputs are summed per unit anyway (sigmoid, tanh, leaky ReLU, ELU).
struct SquareSum {
    private var c0 = Lane(), c1 = Lane(), c2 = Lane(), c3 = Lane()

    /// Adds the squares of the next block.
    @inline(__always)
    mutating func add(_ v: Lane) {
        let next = c0 + v * v
        c0 = c1
        c1 = c2
        c2 = c3
        c3 = next
    }

    /// The sum of every square added.
    @inline(__always)
    var total: Float { ((c0 + c1) + (c2 + c3)).sum() }
}
