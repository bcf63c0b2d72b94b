import Foundation
import GRDB
import Tracking
import XCTest

/// A temporary folder per test, for real database files.
class StoreTestCase: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gradbook-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func path(_ name: String = "test.sqlite") -> String { folder.appendingPathComponent(name).path }

    func sampleRun(_ name: String = "r", lr: Double = 0.03, activation: String = "relu") -> NewRun {
        NewRun(name: name, experiment: "exp", seed: 7, epochsPlanned: 3, configJSON: #"{"lr":\#(lr)}"#,
               params: ["lr": .number(lr), "activation": .text(activation), "batch_size": .integer(10),
                        "batch_norm": .bool(false), "clip_norm": .none],
               tags: ["team": "vision"], gradbookVersion: "test")
    }

    /// Raw SQL on a file, outside the store.
    func execute(_ sql: String, on path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: sql) }
        try queue.close()
    }
}
