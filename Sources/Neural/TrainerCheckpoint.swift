import Datasets
public import Foundation

/// Everything a trainer needs to continue after an epoch exactly as if it had never stopped:
/// the weights (and batch norm's running statistics), the optimiser's moments, the update count,
/// the generators of the minibatch order and of dropout, and the learning-rate schedule's state.
/// A run resumed from it produces, bit for bit, the epochs it would have produced.
public struct TrainerCheckpoint: Sendable, Codable, Equatable {
    /// The last completed epoch.
    public var epoch: Int
    public var step: Int
    public var tensors: [Tensor]
    /// Per parameter, in the engine's order, the optimiser's first and second moments (empty
    /// when the optimiser keeps none).
    public var moments: [Moments]
    public var order: [UInt64]
    public var rows: [Int]
    public var dropout: [UInt64]
    public var schedule: [Double]

    public struct Tensor: Sendable, Codable, Equatable {
        public var layer: Int
        public var name: String
        public var shape: [Int]
        public var values: [Float]
    }

    public struct Moments: Sendable, Codable, Equatable {
        public var first: [Float]
        public var second: [Float]
    }

    /// As compact bytes for the store: the floats as raw little-endian words inside JSON.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = Self.nonFinite.encoding   // plateau's best loss starts at infinity
        return try encoder.encode(Packed(self))
    }

    /// - Throws: ``TrainingError/incompatibleData(_:)`` for bytes that are not a checkpoint.
    public init(decoding data: Data) throws(TrainingError) {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = Self.nonFinite.decoding
        do { self = try decoder.decode(Packed.self, from: data).checkpoint } catch {
            throw .incompatibleData("the stored checkpoint cannot be read (\(data.count) bytes, not a checkpoint of this version); train the run again")
        }
    }

    private static let nonFinite = (encoding: JSONEncoder.NonConformingFloatEncodingStrategy.convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan"),
                                    decoding: JSONDecoder.NonConformingFloatDecodingStrategy.convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan"))

    init(epoch: Int, step: Int, tensors: [Tensor], moments: [Moments], order: [UInt64], rows: [Int], dropout: [UInt64], schedule: [Double]) {
        self.epoch = epoch
        self.step = step
        self.tensors = tensors
        self.moments = moments
        self.order = order
        self.rows = rows
        self.dropout = dropout
        self.schedule = schedule
    }

    /// The checkpoint with every float array as `Data` (base64 in JSON: 4 bytes a float, not ~20).
    private struct Packed: Codable {
        var epoch: Int, step: Int
        var tensors: [PackedTensor]
        var moments: [[Data]]
        var order: [UInt64], rows: [Int], dropout: [UInt64], schedule: [Double]

        struct PackedTensor: Codable { var layer: Int, name: String, shape: [Int], values: Data }

        init(_ c: TrainerCheckpoint) {
            epoch = c.epoch
            step = c.step
            tensors = c.tensors.map { PackedTensor(layer: $0.layer, name: $0.name, shape: $0.shape, values: Self.pack($0.values)) }
            moments = c.moments.map { [Self.pack($0.first), Self.pack($0.second)] }
            (order, rows, dropout, schedule) = (c.order, c.rows, c.dropout, c.schedule)
        }

        var checkpoint: TrainerCheckpoint {
            TrainerCheckpoint(epoch: epoch, step: step,
                              tensors: tensors.map { Tensor(layer: $0.layer, name: $0.name, shape: $0.shape, values: Self.unpack($0.values)) },
                              moments: moments.map { Moments(first: Self.unpack($0.first ?? Data()), second: Self.unpack($0.last ?? Data())) },
                              order: order, rows: rows, dropout: dropout, schedule: schedule)
        }

        static func pack(_ values: [Float]) -> Data {
            var data = Data(capacity: values.count * 4)
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            return data
        }

        static func unpack(_ data: Data) -> [Float] {
            let bytes = [UInt8](data)
            return stride(from: 0, to: bytes.count - bytes.count % 4, by: 4).map { i in
                Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
            }
        }
    }
}

extension Trainer {
    /// The trainer's state now, to be taken right after an epoch's report (between epochs).
    /// - Parameter tensors: the engine's snapshot of that epoch when the caller has it already.
    public func checkpoint(after epoch: Int, tensors: [TensorSnapshot]? = nil) -> TrainerCheckpoint {
        var checkpoint: TrainerCheckpoint?
        keepCheckpoint(after: epoch, tensors: tensors, in: &checkpoint)
        return checkpoint!
    }

    /// The same, kept in `kept`: the optimiser's moments are copied into its arrays where they
    /// have the sizes already. A recorded run of long epochs keeps the state after every epoch (so
    /// that one interrupted mid-epoch resumes after the last whole one; a run of short epochs
    /// finishes the epoch instead, ``finishesEpochOnInterrupt``), and reusing the last one's
    /// storage spares allocating, filling from cold memory and freeing a copy of the moments.
    ///
    /// The minibatch order is copied too, never shared: the trainer shuffles it in place, and an
    /// order shared with the checkpoint would be copied by every epoch's shuffle.
    public func keepCheckpoint(after epoch: Int, tensors: [TensorSnapshot]? = nil, in kept: inout TrainerCheckpoint?) {
        var (moments, rows) = kept.take().map { ($0.moments, $0.rows) } ?? ([], [])
        let parameters = engine.parameters
        if moments.count != parameters.count { moments = parameters.map { _ in .init(first: [], second: []) } }
        for (i, p) in parameters.enumerated() { p.copyMoments(into: &moments[i]) }
        order.rows.withUnsafeBufferPointer { rows.overwrite(with: $0) }
        kept = TrainerCheckpoint(
            epoch: epoch, step: step,
            tensors: (tensors ?? engine.snapshot()).map { .init(layer: $0.layer, name: $0.name, shape: $0.shape, values: $0.values) },
            moments: moments, order: order.generator.words, rows: rows, dropout: dropoutRNG.words, schedule: scheduler.state)
    }

    /// Continues from `checkpoint`: the next ``train(interrupted:observer:)`` starts at its
    /// epoch + 1.
    /// - Throws: ``TrainingError/incompatibleData(_:)`` for a checkpoint of another network or data.
    public func restore(_ checkpoint: TrainerCheckpoint) throws(TrainingError) {
        let parameters = engine.parameters
        guard checkpoint.moments.count == parameters.count, checkpoint.rows.count == data.train.count,
              checkpoint.epoch >= 0, checkpoint.epoch <= config.epochs,
              let orderRNG = SeededGenerator(words: checkpoint.order), let dropout = SeededGenerator(words: checkpoint.dropout) else {
            throw .incompatibleData("the checkpoint is of another network or data set")
        }
        try engine.load(checkpoint.tensors.map { TensorSnapshot(layer: $0.layer, name: $0.name, shape: $0.shape, values: $0.values) })
        for (p, m) in zip(parameters, checkpoint.moments) {
            guard m.first.isEmpty || m.first.count == p.count, m.second.isEmpty || m.second.count == p.count else {
                throw .incompatibleData("the checkpoint's optimiser state does not fit parameter \(p.name)")
            }
            p.restoreMoments(m)
        }
        step = checkpoint.step
        order = MinibatchOrder(generator: orderRNG, rows: checkpoint.rows)
        dropoutRNG = dropout
        scheduler.state = checkpoint.schedule
        firstEpoch = checkpoint.epoch + 1
    }
}
