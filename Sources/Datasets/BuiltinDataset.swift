import Foundation

/// The built-in data sets: the TensorFlow Playground's four classification and two
/// regression sets, with the Playground's own definitions, plus scikit-learn's `moons` and
/// Gaussian `blobs` for multi-class work.
///
/// `noise` is a percentage (0–50, as on the Playground's slider). Points come out in the
/// Playground's order (positives first); ``DatasetSplit`` shuffles before splitting, as the
/// Playground does.
public enum BuiltinDataset: String, CaseIterable, Sendable, Codable {
    case circle, xor, gauss, spiral, plane, multigauss, moons, blobs

    /// Whether the set's targets are real numbers rather than classes.
    public var isRegression: Bool { self == .plane || self == .multigauss }

    /// Generates the set.
    ///
    /// - Parameters:
    ///   - samples: number of points (the Playground uses 500).
    ///   - noise: 0–50, in percent.
    ///   - seed: fixes every draw.
    ///   - classes: number of classes, for `blobs` only.
    ///   - features: number of dimensions, for `blobs` only.
    public func generate(samples: Int = 500, noise: Double = 0, seed: UInt64,
                         classes: Int = 3, features: Int = 2) throws(DatasetError) -> Dataset {
        guard samples >= 2 else { throw .invalidOption(name: "samples", value: "\(samples)", expected: "at least 2") }
        guard noise >= 0 && noise <= 50 else {
            throw .invalidOption(name: "noise", value: "\(noise)", expected: "a percentage from 0 to 50")
        }
        if self == .blobs {
            guard classes >= 2 else { throw .invalidOption(name: "classes", value: "\(classes)", expected: "at least 2") }
            guard features >= 1 else { throw .invalidOption(name: "features", value: "\(features)", expected: "at least 1") }
        }
        var rng = SeededGenerator(seed: seed).derived(0xDA7A)
        let n = noise / 100
        switch self {
        case .circle: return Self.circle(samples, n, &rng)
        case .xor: return Self.xor(samples, n, &rng)
        case .gauss: return Self.gauss(samples, n, &rng)
        case .spiral: return Self.spiral(samples, n, &rng)
        case .plane: return Self.plane(samples, n, &rng)
        case .multigauss: return Self.multigauss(samples, n, &rng)
        case .moons: return Self.moons(samples, n, &rng)
        case .blobs: return Self.blobs(samples, n, classes, features, &rng)
        }
    }

    private static let playgroundClasses = ["negative", "positive"]

    /// Two-class points from Playground labels (+1 → class 1, −1 → class 0).
    private static func classified(_ points: [(x: Double, y: Double, label: Double)]) -> Dataset {
        Dataset(features: points.flatMap { [Float($0.x), Float($0.y)] }, featureCount: 2,
                classIndices: points.map { $0.label > 0 ? 1 : 0 }, classCount: 2,
                featureNames: ["x", "y"], classNames: playgroundClasses)
    }

    private static func regressed(_ points: [(x: Double, y: Double, label: Double)]) -> Dataset {
        Dataset(features: points.flatMap { [Float($0.x), Float($0.y)] }, targets: points.map { Float($0.label) },
                featureCount: 2, task: .regression(outputs: 1), featureNames: ["x", "y"])
    }

    // Playground: classifyCircleData. Inside radius 2.5 is positive, the ring 3.5–5 negative;
    // the label is taken at the noisy position, so noise flips labels near the boundary.
    private static func circle(_ count: Int, _ noise: Double, _ rng: inout SeededGenerator) -> Dataset {
        let radius = 5.0
        var points: [(x: Double, y: Double, label: Double)] = []
        for (low, high, half) in [(0.0, radius * 0.5, (count + 1) / 2), (radius * 0.7, radius, count / 2)] {
            for _ in 0..<half {
                let r = rng.uniform(low, high), angle = rng.uniform(0, 2 * .pi)
                let x = r * sin(angle), y = r * cos(angle)
                let nx = rng.uniform(-radius, radius) * noise, ny = rng.uniform(-radius, radius) * noise
                let inside = ((x + nx) * (x + nx) + (y + ny) * (y + ny)).squareRoot() < radius * 0.5
                points.append((x, y, inside ? 1 : -1))
            }
        }
        return classified(points)
    }

    // Playground: classifyXORData, with its 0.3 padding away from the axes.
    private static func xor(_ count: Int, _ noise: Double, _ rng: inout SeededGenerator) -> Dataset {
        var points: [(x: Double, y: Double, label: Double)] = []
        for _ in 0..<count {
            var x = rng.uniform(-5, 5); x += x > 0 ? 0.3 : -0.3
            var y = rng.uniform(-5, 5); y += y > 0 ? 0.3 : -0.3
            let nx = rng.uniform(-5, 5) * noise, ny = rng.uniform(-5, 5) * noise
            points.append((x, y, (x + nx) * (y + ny) >= 0 ? 1 : -1))
        }
        return classified(points)
    }

    // Playground: classifyTwoGaussData; variance grows linearly from 0.5 to 4 with noise 0–50 %.
    private static func gauss(_ count: Int, _ noise: Double, _ rng: inout SeededGenerator) -> Dataset {
        let sd = (0.5 + (noise / 0.5) * 3.5).squareRoot()
        var points: [(x: Double, y: Double, label: Double)] = []
        for (c, label, half) in [(2.0, 1.0, (count + 1) / 2), (-2.0, -1.0, count / 2)] {
            for _ in 0..<half {
                let x = c + sd * rng.normal()
                let y = c + sd * rng.normal()
                points.append((x, y, label))
            }
        }
        return classified(points)
    }

    // Playground: classifySpiralData, two arms of 1.75 turns each, radius growing to 5.
    private static func spiral(_ count: Int, _ noise: Double, _ rng: inout SeededGenerator) -> Dataset {
        var points: [(x: Double, y: Double, label: Double)] = []
        for (deltaT, label, n) in [(0.0, 1.0, (count + 1) / 2), (Double.pi, -1.0, count / 2)] {
            for i in 0..<n {
                let r = Double(i) / Double(n) * 5
                let t = 1.75 * Double(i) / Double(n) * 2 * .pi + deltaT
                let x = r * sin(t) + rng.uniform(-1, 1) * noise
                let y = r * cos(t) + rng.uniform(-1, 1) * noise
                points.append((x, y, label))
            }
        }
        return classified(points)
    }

    // Playground: regressPlane, label (x + y) / 10 at the noisy position, in [-1.2, 1.2].
    private static func plane(_ count: Int, _ noise: Double, _ rng: inout SeededGenerator) -> Dataset {
        regressed(uniformSquare(count, noise, &rng) { x, y in (x + y) / 10 })
    }

    // Playground: regressGaussian, six signed bumps; the strongest one at a point wins.
    private static func multigauss(_ count: Int, _ noise: Double, _ rng: inout SeededGenerator) -> Dataset {
        let bumps: [(Double, Double, Double)] = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1),
                                                 (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
        return regressed(uniformSquare(count, noise, &rng) { x, y in
            var label = 0.0
            for (cx, cy, sign) in bumps {
                let d = ((x - cx) * (x - cx) + (y - cy) * (y - cy)).squareRoot()
                let value = sign * min(1, max(0, 1 - d / 2))
                if abs(value) > abs(label) { label = value }
            }
            return label
        })
    }

    /// Points uniform in [-6, 6]², labelled by `label` at a noisy copy of the point.
    private static func uniformSquare(_ count: Int, _ noise: Double, _ rng: inout SeededGenerator,
                                      label: (Double, Double) -> Double) -> [(x: Double, y: Double, label: Double)] {
        let radius = 6.0
        return (0..<count).map { _ in
            let x = rng.uniform(-radius, radius), y = rng.uniform(-radius, radius)
            let nx = rng.uniform(-radius, radius) * noise, ny = rng.uniform(-radius, radius) * noise
            return (x, y, label(x + nx, y + ny))
        }
    }

    // scikit-learn's make_moons: two interleaved half circles; noise is the Gaussian std.
    private static func moons(_ count: Int, _ noise: Double, _ rng: inout SeededGenerator) -> Dataset {
        let outer = count / 2, inner = count - outer
        var points: [(x: Double, y: Double, label: Double)] = []
        for i in 0..<outer {
            let t = outer > 1 ? Double.pi * Double(i) / Double(outer - 1) : 0
            points.append((cos(t) + noise * rng.normal(), sin(t) + noise * rng.normal(), -1))
        }
        for i in 0..<inner {
            let t = inner > 1 ? Double.pi * Double(i) / Double(inner - 1) : 0
            points.append((1 - cos(t) + noise * rng.normal(), 0.5 - sin(t) + noise * rng.normal(), 1))
        }
        return classified(points)
    }

    // scikit-learn's make_blobs: `classes` centres uniform in [-10, 10]^d, standard deviation
    // 1 growing to 3 with noise 0–50 %, classes taking turns so their sizes differ by at most one.
    private static func blobs(_ count: Int, _ noise: Double, _ classes: Int, _ d: Int,
                              _ rng: inout SeededGenerator) -> Dataset {
        let centres = (0..<(classes * d)).map { _ in rng.uniform(-10, 10) }
        let sd = 1 + 4 * noise
        var features = [Float](), labels = [Int]()
        features.reserveCapacity(count * d)
        for i in 0..<count {
            let c = i % classes
            for j in 0..<d { features.append(Float(centres[c * d + j] + sd * rng.normal())) }
            labels.append(c)
        }
        return Dataset(features: features, featureCount: d, classIndices: labels, classCount: classes,
                       featureNames: d == 2 ? ["x", "y"] : nil, classNames: (0..<classes).map { "\($0)" })
    }
}
