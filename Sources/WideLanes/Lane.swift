/// Eight `Float`s at a time: this module is compiled for AVX2 (`Package.swift`), where one
/// register holds them. Only `Neural`'s `VectorLanes` decides to call it, after asking the
/// processor; nothing here runs before that.
typealias Lane = SIMD8<Float>
/// ``Lane``'s bits, and its lanes as integers (the shared math names these).
typealias LaneBits = SIMD8<UInt32>
typealias LaneInts = SIMD8<Int32>
