import Foundation

/// An input feature computed from the two raw coordinates before the network, as on the
/// TensorFlow Playground: `x`, `y`, `xy` (x·y), `x2` (x²), `y2` (y²), `sinx`, `siny`, `cosx`, `cosy`.
///
/// A network with the right crosses needs far fewer layers: `xor` is linear in `xy`, `circle`
/// in `x2` and `y2`.
public enum FeatureCross: String, CaseIterable, Sendable, Codable {
    case x, y, xy, x2, y2, sinx, siny, cosx, cosy

    /// The Playground's input: x and y alone.
    public static let raw: [FeatureCross] = [.x, .y]

    /// The feature at the point (x, y).
    public func value(x: Double, y: Double) -> Double {
        switch self {
        case .x: x
        case .y: y
        case .xy: x * y
        case .x2: x * x
        case .y2: y * y
        case .sinx: sin(x)
        case .siny: sin(y)
        case .cosx: cos(x)
        case .cosy: cos(y)
        }
    }

    /// Reads a comma-separated list such as `x,y,xy,x2,y2,sinx,siny` (any case).
    /// - Throws: ``DatasetError/invalidOption(name:value:expected:)`` naming an unknown or repeated cross.
    public static func list(_ text: String) throws(DatasetError) -> [FeatureCross] {
        var out: [FeatureCross] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let cross = FeatureCross(rawValue: name) else {
                throw .invalidOption(name: "features", value: String(part),
                                     expected: "a comma-separated list of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !out.contains(cross) else {
                throw .invalidOption(name: "features", value: text, expected: "each feature once ('\(name)' is repeated)")
            }
            out.append(cross)
        }
        return out
    }
}

extension Dataset {
    /// The data set with its two columns (x, y) replaced by `crosses`, in that order.
    /// - Throws: when the data does not have exactly two feature columns.
    public func crossed(_ crosses: [FeatureCross]) throws(DatasetError) -> Dataset {
        guard featureCount == 2 else {
            throw .invalidOption(name: "features", value: crosses.map(\.rawValue).joined(separator: ","),
                                 expected: "x,y alone: feature crosses need data with exactly 2 input columns, and this has \(featureCount)")
        }
        var out = [Float]()
        out.reserveCapacity(count * crosses.count)
        for i in 0..<count {
            let x = Double(features[2 * i]), y = Double(features[2 * i + 1])
            for cross in crosses { out.append(Float(cross.value(x: x, y: y))) }
        }
        return Dataset(features: out, targets: targets, featureCount: crosses.count, task: task,
                       featureNames: crosses.map(\.rawValue), classNames: classNames)
    }
}
