/// A parameter's four spans of its engine's arena — values, gradient, the optimiser's two
/// moments — as plain pointers: what an optimiser step walks.
///
/// A list of spans is walked without retaining anything; the ``Parameter`` objects behind
/// them cost a retain and a release each per step (on W1's six small tensors, a few percent of
/// training in `swift_retain`/`swift_release`). A ``Trainer`` makes its engine's list once.
struct ParameterSpan {
    let values: UnsafeMutablePointer<Float>
    let gradients: UnsafeMutablePointer<Float>
    let moments1: UnsafeMutablePointer<Float>
    let moments2: UnsafeMutablePointer<Float>
    let count: Int
}

extension ParameterSpan {
    /// The elements `range` of the parameter: one worker's part of its update.
    func part(_ range: Range<Int>) -> ParameterSpan {
        let i = range.lowerBound
        return ParameterSpan(values: values + i, gradients: gradients + i, moments1: moments1 + i, moments2: moments2 + i,
                             count: range.count)
    }
}
