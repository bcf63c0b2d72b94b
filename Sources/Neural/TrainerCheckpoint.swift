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

    /// As compact bytes for the store: `GBCK`, the header's length (a little-endian `UInt32`),
    /// the header (JSON: everything but the floats and the rows, with their counts), then every
    /// float array's little-endian words in the header's order, four bytes a float, then the
    /// rows' as `Int64`. (As JSON with base64 floats, a wide Adam net's 5.6 M floats took a
    /// second to encode, on the training thread every 10 s of a recorded run, and a third more
    /// room; the rows as JSON numbers were 4,600 instructions each.)
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = Self.nonFinite.encoding   // plateau's best loss starts at infinity
        let header = try encoder.encode(Header(self))
        guard let length = UInt32(exactly: header.count) else {
            throw TrainingError.incompatibleData("a checkpoint's header of \(header.count) bytes is too long to store")
        }
        let arrays = floatArrays
        var data = Data(Self.magic)
        withUnsafeBytes(of: length.littleEndian) { data.append(contentsOf: $0) }
        data.append(header)
        var offset = data.count
        data.count += 4 * arrays.reduce(0) { $0 + $1.count } + 8 * rows.count
        data.withUnsafeMutableBytes { bytes in
            for array in arrays {
                for v in array { bytes.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: offset, as: UInt32.self); offset += 4 }
            }
            for row in rows { bytes.storeBytes(of: Int64(row).littleEndian, toByteOffset: offset, as: Int64.self); offset += 8 }
        }
        return data
    }

    /// - Throws: ``TrainingError/incompatibleData(_:)`` for bytes that are not a checkpoint
    ///   (damaged ones included: every length is checked against the bytes there are).
    public init(decoding data: Data) throws(TrainingError) {
        do {
            self = try data.starts(with: Self.magic) ? Self.decodeLayout(data) : Self.decodeJSON(data)
        } catch {
            throw .incompatibleData("the stored checkpoint cannot be read (\(data.count) bytes, not a checkpoint of this version); train the run again")
        }
    }

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

    private static let magic = Array("GBCK".utf8)

    private static let nonFinite = (encoding: JSONEncoder.NonConformingFloatEncodingStrategy.convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan"),
                                    decoding: JSONDecoder.NonConformingFloatDecodingStrategy.convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan"))

    /// The float arrays in the order the bytes hold them: the tensors', then each parameter's
    /// first and second moments.
    private var floatArrays: [[Float]] { tensors.map(\.values) + moments.flatMap { [$0.first, $0.second] } }

    /// Everything but the floats and the rows, which follow it.
    private struct Header: Codable {
        var epoch: Int, step: Int
        var tensors: [TensorHeader]
        var moments: [MomentCounts]
        var rows: Int
        var order: [UInt64], dropout: [UInt64], schedule: [Double]

        struct TensorHeader: Codable { var layer: Int, name: String, shape: [Int], count: Int }
        struct MomentCounts: Codable { var first: Int, second: Int }

        init(_ c: TrainerCheckpoint) {
            (epoch, step) = (c.epoch, c.step)
            tensors = c.tensors.map { TensorHeader(layer: $0.layer, name: $0.name, shape: $0.shape, count: $0.values.count) }
            moments = c.moments.map { MomentCounts(first: $0.first.count, second: $0.second.count) }
            rows = c.rows.count
            (order, dropout, schedule) = (c.order, c.dropout, c.schedule)
        }
    }

    private struct Damaged: Error {}

    private static func decodeLayout(_ data: Data) throws -> TrainerCheckpoint {
        try data.withUnsafeBytes { bytes in
            guard bytes.count >= magic.count + 4 else { throw Damaged() }
            let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: magic.count, as: UInt32.self)))
            var offset = magic.count + 4
            guard length <= bytes.count - offset else { throw Damaged() }
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = nonFinite.decoding
            let header = try decoder.decode(Header.self, from: Data(bytes[offset..<(offset + length)]))
            offset += length
            // The counts must add up to the bytes there are, exactly (none negative, no overflow).
            var total = 0
            for count in header.tensors.map(\.count) + header.moments.flatMap({ [$0.first, $0.second] }) {
                guard count >= 0, count <= (bytes.count - offset) / 4 - total else { throw Damaged() }
                total += count
            }
            guard header.rows >= 0, header.rows <= (bytes.count - offset - 4 * total) / 8,
                  4 * total + 8 * header.rows == bytes.count - offset else { throw Damaged() }
            func next(_ count: Int) -> [Float] {
                defer { offset += 4 * count }
                return floats(bytes, at: offset, count: count)
            }
            return TrainerCheckpoint(epoch: header.epoch, step: header.step,
                                     tensors: header.tensors.map { Tensor(layer: $0.layer, name: $0.name, shape: $0.shape, values: next($0.count)) },
                                     moments: header.moments.map { Moments(first: next($0.first), second: next($0.second)) },
                                     order: header.order,
                                     rows: (0..<header.rows).map { Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8 * $0, as: Int64.self))) },
                                     dropout: header.dropout, schedule: header.schedule)
        }
    }

    /// `count` little-endian words from `offset`.
    private static func floats(_ bytes: UnsafeRawBufferPointer, at offset: Int, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { floats, initialized in
            for i in 0..<count {
                floats[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self)))
            }
            initialized = count
        }
    }

    /// Checkpoints stored before the layout above: JSON, every float array as base64 of its words.
    private static func decodeJSON(_ data: Data) throws -> TrainerCheckpoint {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = nonFinite.decoding
        return try decoder.decode(JSONLayout.self, from: data).checkpoint
    }

    private struct JSONLayout: Decodable {
        var epoch: Int, step: Int
        var tensors: [PackedTensor]
        var moments: [[Data]]
        var order: [UInt64], rows: [Int], dropout: [UInt64], schedule: [Double]

        struct PackedTensor: Decodable { var layer: Int, name: String, shape: [Int], values: Data }

        var checkpoint: TrainerCheckpoint {
            func unpack(_ data: Data) -> [Float] { data.withUnsafeBytes { floats($0, at: 0, count: $0.count / 4) } }
            return TrainerCheckpoint(epoch: epoch, step: step,
                                     tensors: tensors.map { Tensor(layer: $0.layer, name: $0.name, shape: $0.shape, values: unpack($0.values)) },
                                     moments: moments.map { Moments(first: unpack($0.first ?? Data()), second: unpack($0.last ?? Data())) },
                                     order: order, rows: rows, dropout: dropout, schedule: schedule)
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
        let rows = 0..<data.train.count
        guard checkpoint.moments.count == parameters.count, checkpoint.rows.count == rows.count,
              checkpoint.rows.allSatisfy(rows.contains), checkpoint.epoch >= 0, checkpoint.epoch <= config.epochs,
              // About one update a row in each epoch so far at most (a damaged count must not overflow).
              checkpoint.step >= 0, checkpoint.step / max(rows.count, 1) <= checkpoint.epoch,
              let orderRNG = SeededGenerator(words: checkpoint.order), let dropout = SeededGenerator(words: checkpoint.dropout) else {
            throw .incompatibleData("the checkpoint is of another network or data set")
        }
        var scheduler = scheduler
        guard scheduler.restore(checkpoint.schedule, after: checkpoint.epoch) else {
            throw .incompatibleData("the checkpoint's learning-rate schedule state \(checkpoint.schedule) is not one a run had")
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
        self.scheduler = scheduler
        firstEpoch = checkpoint.epoch + 1
    }
}
