/// What a network computes over the plane of its two raw input columns, sampled on a square
/// grid: its output (the decision boundary), each hidden unit's output, and the data's points.
/// Plain numbers: the command line fills it from a run's snapshot; ``BoundaryChart`` draws it.
public struct DecisionField: Sendable {
    /// What the output is.
    public enum Output: Sendable, Equatable {
        /// Two classes: the probability of the second (`classes[1]`).
        case probability
        /// More classes: the probability of each, `classes.count` per grid point.
        case classes
        /// One value (regression), in the target's units.
        case value
    }

    /// Which part of the split a point belongs to.
    public enum Part: String, Sendable {
        case train, validation, test
    }

    /// One data point in raw coordinates: its class index (or its value for regression).
    public struct Point: Sendable {
        public var x: Double
        public var y: Double
        public var label: Double
        public var part: Part

        public init(x: Double, y: Double, label: Double, part: Part) {
            self.x = x
            self.y = y
            self.label = label
            self.part = part
        }
    }

    /// A hidden unit's output over the grid.
    public struct Unit: Sendable {
        /// 1-based, as `show` and the diagnostics number layers; `unit` is 1-based within it.
        public var layer: Int
        public var unit: Int
        public var activation: String
        /// The activation's output range where it is bounded (tanh: −1…1), nil otherwise.
        public var bounds: ClosedRange<Double>?
        /// ``DecisionField/unitResolution``² values, row by row from the top (largest y) down.
        public var values: [Float]

        public init(layer: Int, unit: Int, activation: String, bounds: ClosedRange<Double>?, values: [Float]) {
            self.layer = layer
            self.unit = unit
            self.activation = activation
            self.bounds = bounds
            self.values = values
        }
    }

    /// The names of the two input columns (across, up).
    public var columns: [String]
    public var x: ClosedRange<Double>
    public var y: ClosedRange<Double>
    /// Grid points per side.
    public var resolution: Int
    public var output: Output
    /// Class names (empty for regression).
    public var classes: [String]
    /// `resolution²` values (× `classes.count` for ``Output/classes``), row by row from the top;
    /// point `(i, j)` (column i, row j) sits at the centre of its cell: ``gridPoint(_:_:)``.
    public var values: [Float]
    /// Grid points per side of the units' fields (coarser: they are drawn as thumbnails).
    public var unitResolution: Int
    public var units: [Unit]
    public var points: [Point]
    /// The snapshot's epoch (0: the initial weights).
    public var epoch: Int

    public init(columns: [String], x: ClosedRange<Double>, y: ClosedRange<Double>, resolution: Int, output: Output, classes: [String],
                values: [Float], unitResolution: Int, units: [Unit], points: [Point], epoch: Int) {
        self.unitResolution = unitResolution
        self.columns = columns
        self.x = x
        self.y = y
        self.resolution = resolution
        self.output = output
        self.classes = classes
        self.values = values
        self.units = units
        self.points = points
        self.epoch = epoch
    }

    /// The raw coordinates of grid point `(i, j)`: column `i` from the left, row `j` from the top.
    public func gridPoint(_ i: Int, _ j: Int) -> (x: Double, y: Double) {
        Self.gridPoint(i, j, x: x, y: y, resolution: resolution)
    }

    /// Every grid point's coordinates, row by row from the top: what the network is given.
    public static func grid(x: ClosedRange<Double>, y: ClosedRange<Double>, resolution: Int) -> [(x: Double, y: Double)] {
        (0..<resolution).flatMap { j in (0..<resolution).map { i in gridPoint(i, j, x: x, y: y, resolution: resolution) } }
    }

    static func gridPoint(_ i: Int, _ j: Int, x: ClosedRange<Double>, y: ClosedRange<Double>, resolution: Int) -> (x: Double, y: Double) {
        let n = Double(resolution)
        return (x.lowerBound + (Double(i) + 0.5) / n * (x.upperBound - x.lowerBound),
                y.upperBound - (Double(j) + 0.5) / n * (y.upperBound - y.lowerBound))
    }

    /// The plane drawn around the points: their extent padded by a tenth on each side, then
    /// rounded out to the axis's ticks (so the grid ends where the axis does).
    public static func extent(of points: [(x: Double, y: Double)]) -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        func range(_ v: [Double]) -> ClosedRange<Double> {
            let finite = v.filter(\.isFinite)
            guard let low = finite.min(), let high = finite.max() else { return -1...1 }
            let pad = max((high - low) * 0.1, 1e-3)
            return Scale(kind: .linear, values: [low - pad, high + pad], from: 0, to: 1, tickCount: 6).domain
        }
        return (range(points.map(\.x)), range(points.map(\.y)))
    }
}
