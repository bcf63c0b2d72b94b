/// A 2-D tensor: a contiguous row-major `Float` buffer with a shape.
///
/// Buffers are made once at their largest size (the batch size) and reused for every step;
/// ``rows`` may be lowered for a short last batch without reallocating, which is how the
/// training loop avoids allocating per step.
public struct Matrix: Sendable, Equatable {
    /// Rows in use (at most ``capacity``).
    public var rows: Int {
        didSet { precondition(rows >= 0 && rows <= capacity, "rows \(rows) exceed capacity \(capacity)") }
    }
    public let cols: Int
    /// The number of rows the storage holds.
    public let capacity: Int
    /// Row-major storage of `capacity × cols` values; only the first `rows × cols` are in use.
    public var storage: [Float]

    /// A zero matrix of `rows × cols`, with room for `capacity` rows.
    public init(rows: Int, cols: Int, capacity: Int? = nil) {
        let capacity = capacity ?? rows
        precondition(rows >= 0 && cols >= 0 && capacity >= rows, "bad matrix shape \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.capacity = capacity
        storage = [Float](repeating: 0, count: capacity * cols)
    }

    /// A matrix holding `values` row by row.
    public init(rows: Int, cols: Int, values: [Float]) {
        precondition(values.count == rows * cols, "\(values.count) values do not fill \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        capacity = rows
        storage = values
    }

    /// The shape in use, `[rows, cols]`.
    public var shape: [Int] { [rows, cols] }

    /// The values in use, row by row.
    public var values: [Float] { Array(storage[0..<(rows * cols)]) }

    public subscript(row: Int, col: Int) -> Float {
        get { storage[row * cols + col] }
        set { storage[row * cols + col] = newValue }
    }

    /// The L2 (Frobenius) norm of the values in use, accumulated in `Double`.
    public var norm: Double {
        var sum = 0.0
        storage.withUnsafeBufferPointer { p in
            for i in 0..<(rows * cols) { sum += Double(p[i]) * Double(p[i]) }
        }
        return sum.squareRoot()
    }

    public static func == (a: Matrix, b: Matrix) -> Bool {
        a.rows == b.rows && a.cols == b.cols && a.values == b.values
    }
}
