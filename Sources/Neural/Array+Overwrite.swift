extension Array where Element: BitwiseCopyable {
    /// Makes the array a copy of `source` in storage of its own: written in place when it has
    /// `source`'s count already (no allocation: what a checkpoint kept every epoch needs), newly
    /// allocated otherwise — never sharing storage with the array `source` may belong to.
    mutating func overwrite(with source: UnsafeBufferPointer<Element>) {
        guard count == source.count else {
            self = Array(source)
            return
        }
        _ = withUnsafeMutableBufferPointer { $0.update(fromContentsOf: source) }
    }
}
