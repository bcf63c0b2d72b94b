/// What a task's own metrics are computed from, gathered in one evaluation pass: for classes the
/// confusion matrix (and, for two classes, each sample's probability of the second, for ROC AUC);
/// for values the sums of errors. Metrics come from these counts, so the same numbers give the
/// same metrics wherever they are shown.
public enum TaskScores: Sendable, Equatable {
    case classes(ConfusionMatrix, auc: Double?)
    case values(RegressionErrors)

    /// Gathers scores for predictions (probabilities or values, `rows × cols`, as a head makes
    /// them) against targets; `nil` for multi-label data.
    public static func gather(head: Head, predictions: [Float], targets: ArraySlice<Float>, rows: Int, cols: Int,
                              into scores: inout Accumulator) {
        predictions.withUnsafeBufferPointer { gather(head: head, predictions: $0, targets: targets, rows: rows, cols: cols, into: &scores) }
    }

    /// The same from an engine's prediction buffer.
    public static func gather(head: Head, predictions: UnsafeBufferPointer<Float>, targets: ArraySlice<Float>, rows: Int, cols: Int,
                              into scores: inout Accumulator) {
        let t = targets.startIndex
        switch head {
        case .meanSquaredError, .halfSquaredError:
            for i in 0..<(rows * cols) { scores.errors.add(prediction: Double(predictions[i]), target: Double(targets[t + i])) }
        case .binaryCrossEntropy, .playgroundTanh:
            guard cols == 1 else { return }
            if scores.positives.isEmpty {
                scores.positives.reserveCapacity(scores.samples)
                scores.actual.reserveCapacity(scores.samples)
            }
            // The batch's four cells from three counts, and its scores appended whole: a cell and
            // two appends per sample checked the arrays' uniqueness and capacity each time.
            var actual = 0, predicted = 0, both = 0
            targets.withUnsafeBufferPointer { y in
                for i in 0..<rows {
                    let a = y[i] >= 0.5 ? 1 : 0, p = predictions[i] >= 0.5 ? 1 : 0
                    actual += a
                    predicted += p
                    both += a & p
                }
                scores.actual.append(contentsOf: y[0..<rows].lazy.map { $0 >= 0.5 })
            }
            scores.positives.append(contentsOf: predictions[0..<rows])
            scores.confusion.add(actual: 1, predicted: 1, count: both)
            scores.confusion.add(actual: 1, predicted: 0, count: actual - both)
            scores.confusion.add(actual: 0, predicted: 1, count: predicted - both)
            scores.confusion.add(actual: 0, predicted: 0, count: rows - actual - predicted + both)
        case .softmaxCrossEntropy:
            for r in 0..<rows {
                var best = 0, target = 0
                for j in 1..<cols {
                    if predictions[r * cols + j] > predictions[r * cols + best] { best = j }
                    if targets[t + r * cols + j] > targets[t + r * cols + target] { target = j }
                }
                scores.confusion.add(actual: target, predicted: best)
            }
        case .multiLabel:
            return
        }
    }

    /// Scores summed batch by batch.
    public struct Accumulator: Sendable {
        var confusion: ConfusionMatrix
        var positives: [Float] = []
        var actual: [Bool] = []
        var errors = RegressionErrors()
        let head: Head
        /// How many samples will be gathered (0 when not known): per-sample scores, where a head
        /// keeps them, are stored without growing.
        let samples: Int

        public init(head: Head, outputs: Int, samples: Int = 0) {
            self.head = head
            self.samples = samples
            confusion = ConfusionMatrix(classes: head == .softmaxCrossEntropy ? outputs : 2)
        }

        public var scores: TaskScores? {
            switch head {
            case .meanSquaredError, .halfSquaredError: .values(errors)
            case .multiLabel: nil
            case .softmaxCrossEntropy: .classes(confusion, auc: nil)
            case .binaryCrossEntropy, .playgroundTanh: .classes(confusion, auc: ROC.area(scores: positives, positive: actual))
            }
        }
    }
}

/// Counts of samples by actual class (rows) and predicted class (columns).
public struct ConfusionMatrix: Sendable, Equatable {
    public let classes: Int
    /// `counts[actual * classes + predicted]`.
    public private(set) var counts: [Int]

    public init(classes: Int, counts: [Int]? = nil) {
        self.classes = classes
        self.counts = counts ?? Array(repeating: 0, count: classes * classes)
    }

    mutating func add(actual: Int, predicted: Int, count: Int = 1) { counts[actual * classes + predicted] += count }

    public func count(actual: Int, predicted: Int) -> Int { counts[actual * classes + predicted] }
    /// Samples of class `c`.
    public func support(_ c: Int) -> Int { (0..<classes).reduce(0) { $0 + count(actual: c, predicted: $1) } }
    public func predicted(_ c: Int) -> Int { (0..<classes).reduce(0) { $0 + count(actual: $1, predicted: c) } }
    public var total: Int { counts.reduce(0, +) }

    /// Of the samples predicted `c`, the share that are `c`; `nil` when none is predicted `c`.
    public func precision(_ c: Int) -> Double? { predicted(c) == 0 ? nil : Double(count(actual: c, predicted: c)) / Double(predicted(c)) }
    /// Of the samples of class `c`, the share predicted `c`; `nil` when there are none.
    public func recall(_ c: Int) -> Double? { support(c) == 0 ? nil : Double(count(actual: c, predicted: c)) / Double(support(c)) }
    /// `2TP / (2TP + FP + FN)` (the harmonic mean of precision and recall, 0 when either is 0,
    /// as scikit-learn's `zero_division=0`); `nil` for a class neither present nor predicted.
    public func f1(_ c: Int) -> Double? {
        let tp = count(actual: c, predicted: c), fp = predicted(c) - tp, fn = support(c) - tp
        return 2 * tp + fp + fn == 0 ? nil : Double(2 * tp) / Double(2 * tp + fp + fn)
    }
    /// The mean F1 over the classes present in the data or the predictions (scikit-learn's
    /// `f1_score(average='macro')`).
    public var macroF1: Double? {
        var sum = 0.0, scored = 0
        for c in 0..<classes {
            if let f1 = f1(c) { (sum, scored) = (sum + f1, scored + 1) }
        }
        return scored == 0 ? nil : sum / Double(scored)
    }
}

/// Sums of a regression's errors, from which RMSE, MAE and R² follow.
public struct RegressionErrors: Sendable, Equatable {
    public var count = 0
    public var absolute = 0.0, squared = 0.0
    public var targetSum = 0.0, targetSquares = 0.0

    public init() {}

    mutating func add(prediction: Double, target: Double) {
        let e = prediction - target
        count += 1
        absolute += abs(e)
        squared += e * e
        targetSum += target
        targetSquares += target * target
    }

    public var rmse: Double? { count == 0 ? nil : (squared / Double(count)).squareRoot() }
    public var mae: Double? { count == 0 ? nil : absolute / Double(count) }
    /// `1 − SSE / SST`; `nil` for a constant target.
    public var r2: Double? {
        guard count > 0 else { return nil }
        let sst = targetSquares - targetSum * targetSum / Double(count)
        return sst > 1e-12 * max(targetSquares, 1) ? 1 - squared / sst : nil
    }

    /// The sums for predictions and targets mapped by `v ↦ v · scale + shift` (a standardised
    /// target back in its own units).
    public func scaled(by scale: Double, shift: Double) -> RegressionErrors {
        var out = RegressionErrors()
        out.count = count
        out.absolute = absolute * abs(scale)
        out.squared = squared * scale * scale
        out.targetSum = targetSum * scale + Double(count) * shift
        out.targetSquares = targetSquares * scale * scale + 2 * scale * shift * targetSum + Double(count) * shift * shift
        return out
    }
}

/// The area under the ROC curve.
public enum ROC {
    /// The probability that a random positive scores above a random negative, ties counting
    /// half (the Mann–Whitney statistic, as scikit-learn's `roc_auc_score`); `nil` without both
    /// classes.
    public static func area(scores: [Float], positive: [Bool]) -> Double? {
        let positives = positive.lazy.filter { $0 }.count, negatives = positive.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        // One sort of plain integers: each score's bits made to order as the floats do, the
        // label in the lowest bit (ties stay together: the rank of a tied run is its mean).
        let n = min(scores.count, positive.count)
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * n) { buffer in
            let keys = UnsafeMutableBufferPointer(rebasing: buffer[..<n]), spare = UnsafeMutableBufferPointer(rebasing: buffer[n...])
            for i in 0..<n {
                let bits = (scores[i] == 0 ? 0 : scores[i]).bitPattern   // -0 ties with 0
                let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
                keys[i] = UInt64(ordered) << 1 | (positive[i] ? 1 : 0)
            }
            let sorted = radixSort(keys, spare)
            // Twice each positive's rank (the mean rank of its tied run, 1-based), summed as an
            // integer (exact below 2⁶³, as the sum of halves in `Double` it replaces was below
            // 2⁵³), each label added rather than branched on.
            var twiceRanks = 0, i = 0
            while i < n {
                var j = i, positivesInRun = Int(sorted[i] & 1)
                while j + 1 < n, sorted[j + 1] >> 1 == sorted[i] >> 1 {
                    j += 1
                    positivesInRun += Int(sorted[j] & 1)
                }
                twiceRanks += (i + j + 2) * positivesInRun
                i = j + 1
            }
            let rankSum = Double(twiceRanks) / 2
            return (rankSum - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * Double(negatives))
        }
    }

    /// Sorts keys of at most 40 significant bits a byte at a time, lowest first, between `keys`
    /// and `spare` (as long), and returns the one that ends sorted: one pass counts every byte
    /// of every key, then each of the five bytes is a stable counting pass, skipped where all
    /// keys share it. Linear in the keys, and nothing allocated on the heap: the comparison sort
    /// it replaces was a tenth of a small network's epoch (its test set's area is measured every
    /// epoch).
    private static func radixSort(_ keys: UnsafeMutableBufferPointer<UInt64>,
                                  _ spare: UnsafeMutableBufferPointer<UInt64>) -> UnsafeMutableBufferPointer<UInt64> {
        let n = keys.count, bytes = 5
        guard n > 1 else { return keys }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: bytes * 256) { counts in
            counts.initialize(repeating: 0)
            for k in keys {
                for d in 0..<bytes { counts[d << 8 | Int(truncatingIfNeeded: k >> (8 * d)) & 0xff] &+= 1 }
            }
            var (from, to) = (keys, spare)
            for d in 0..<bytes {
                let count = counts.baseAddress! + (d << 8), shift = UInt64(8 * d)
                if count[Int(truncatingIfNeeded: from[0] >> shift) & 0xff] == n { continue }
                var offset = 0
                for b in 0..<256 { (count[b], offset) = (offset, offset + count[b]) }
                for k in from {
                    let b = Int(truncatingIfNeeded: k >> shift) & 0xff
                    to[count[b]] = k
                    count[b] &+= 1
                }
                swap(&from, &to)
            }
            return from
        }
    }
}
