import Foundation
import GradbookTestSupport
import GRDB
import Tracking
import XCTest

final class ExportTests: StoreTestCase {
    private var store: RunStore!

    override func setUpWithError() throws {
        try super.setUpWithError()
        store = try QueryFixture.make(at: path())
    }

    /// Compares `text` byte for byte with `Fixtures/NAME`; `GRADBOOK_REGENERATE=1` rewrites it.
    private func assertGolden(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        if ProcessInfo.processInfo.environment["GRADBOOK_REGENERATE"] == "1" {
            try Data(text.utf8).write(to: url)
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(Array(text.utf8), Array(golden.utf8), "\(name) differs:\n\(text)", file: file, line: line)
    }

    private func render(_ format: OutputFormat, _ body: (TableWriter) throws -> Void) rethrows -> String {
        let sink = OutputSink.memory()
        try body(TableWriter(format: format, sink: sink))
        return sink.text
    }

    func testCurvesLongLayoutGolden() throws {
        let ids = try store.select(RunSelection(sort: "id"))
        let text = try render(.csv) { w in
            try CurveExport(store: store, runs: ids, metrics: Metric.standardCurves.map(\.name), with: FilterParser.terms("activation, lr")).writeLong(to: w)
        }
        try assertGolden(text, "curves_long.csv")
    }

    func testCurvesWideLayoutGolden() throws {
        let wide = try CurveExport(store: store, runs: [1, 2], metrics: ["test_loss", "grad_norm"]).wide()
        try assertGolden(render(.csv) { try $0.write(wide) }, "curves_wide.csv")
    }

    func testRunsReportGolden() throws {
        let report = try store.runsReport(runs: store.select(RunSelection(sort: "id")))
        try assertGolden(render(.csv) { try $0.write(report) }, "runs.csv")
    }

    func testDiagnosticsGolden() throws {
        try assertGolden(render(.csv) { try $0.write(store.diagnostics(runs: [1, 2])) }, "diagnostics.csv")
    }

    func testFormatsEscapeWhatTheirReadersNeed() throws {
        let table = ResultTable(columns: ["id", "text", "x"], rows: [
            [.integer(1), .text("a,b \"q\"\nline\ttab\\"), .real(0.1)],
            [.integer(2), .null, .real(1e-5)],
        ])
        XCTAssertEqual(try render(.csv) { try $0.write(table) }, "id,text,x\r\n1,\"a,b \"\"q\"\"\nline\ttab\\\",0.1\r\n2,,1e-05\r\n")
        XCTAssertEqual(try render(.tsv) { try $0.write(table) }, "id\ttext\tx\n1\ta,b \"q\"\\nline\\ttab\\\\\t0.1\n2\t\t1e-05\n")
        XCTAssertEqual(try render(.jsonl) { try $0.write(table) },
                       "{\"id\":1,\"text\":\"a,b \\\"q\\\"\\nline\\ttab\\\\\",\"x\":0.1}\n{\"id\":2,\"text\":null,\"x\":1e-05}\n")
        let json = try render(.json) { try $0.write(table) }
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        XCTAssertEqual(decoded?.count, 2)
        XCTAssertEqual(decoded?[0]["text"] as? String, "a,b \"q\"\nline\ttab\\")
        XCTAssertEqual(decoded?[1]["x"] as? Double, 1e-5)
        XCTAssertTrue(decoded?[1]["text"] is NSNull)
        XCTAssertEqual(try render(.json) { try $0.write(ResultTable(columns: ["a"], rows: [])) }, "[]\n")
        XCTAssertEqual(try render(.table) { try $0.write(table) }, "id  text                 x\n1   a,b \"q\"\\nline\\ttab\\  0.1\n2                        1e-05\n")
    }

    /// Awkward doubles survive export → CSV text → parse, bit for bit.
    func testCurvesRoundTripThroughCSVExactly() throws {
        let id = try store.startRun(NewRun(name: "odd", configJSON: "{}", params: [:], gradbookVersion: "test"))
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0.1 + 0.2, 1.0 / 3.0, Double.leastNonzeroMagnitude, 1e-300, 1.7976931348623157e308, -0.0, 123456789.123456789, 2.5e-8]
        values += (0..<200).map { _ in Double.random(in: -1e6...1e6, using: &generator) * pow(10, Double.random(in: -20...0, using: &generator)) }
        for (i, v) in values.enumerated() {
            try store.recordEpoch(run: id, EpochRecord(epoch: i + 1, trainLoss: v, testLoss: -v))
        }
        let text = try render(.csv) { try CurveExport(store: store, runs: [id], metrics: ["train_loss", "test_loss"]).writeLong(to: $0) }
        let rows = parseCSV(text)
        XCTAssertEqual(rows[0], ["run_id", "run_name", "epoch", "metric", "value"])
        XCTAssertEqual(rows.count - 1, values.count * 2)
        let stored = try store.epochs(run: id)
        for row in rows.dropFirst() {
            let epoch = try XCTUnwrap(Int(row[2])), value = try XCTUnwrap(Double(row[4]), row[4])
            let want = row[3] == "train_loss" ? stored[epoch - 1].trainLoss : stored[epoch - 1].testLoss
            XCTAssertEqual(value.bitPattern == want?.bitPattern || value == want, true, "\(row) vs \(String(describing: want))")
        }
    }

    /// Hand-edited `epochs` rows: an integer is a point (1.0), text is no point, a real 0 is a
    /// point; the read neither stops nor invents a 0 where there was no number.
    func testCurvesTakeEveryNumberAndSkipWhatIsNotOne() throws {
        let id = try store.startRun(NewRun(name: "edited", configJSON: "{}", params: [:], gradbookVersion: "test"))
        for e in 1...4 { try store.recordEpoch(run: id, EpochRecord(epoch: e, trainLoss: Double(e) / 4)) }
        try store.finishRun(run: id, status: .finished)
        try RawDatabase.write(store.path) { db in
            try db.execute(sql: "UPDATE epochs SET train_loss = CAST(1 AS INTEGER) WHERE run_id = ? AND epoch = 1", arguments: [id])
            try db.execute(sql: "UPDATE epochs SET train_loss = 'oops' WHERE run_id = ? AND epoch = 2", arguments: [id])
            try db.execute(sql: "UPDATE epochs SET train_loss = 0.0 WHERE run_id = ? AND epoch = 3", arguments: [id])
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT typeof(train_loss) FROM epochs WHERE run_id = ? ORDER BY epoch", arguments: [id]),
                           ["real", "text", "real", "real"])
        }
        let curve = try store.curves(run: id, metrics: ["train_loss"])[0]
        XCTAssertEqual(curve.points, [CurvePoint(epoch: 1, value: 1), CurvePoint(epoch: 3, value: 0), CurvePoint(epoch: 4, value: 1)])
    }

    /// More runs than three read batches (each read on another thread while the last is
    /// written), asked in a scrambled order, with metrics from every source
    /// (an `epochs` column with gaps, the `metrics` table, the layers' aggregate): the long CSV
    /// is, row for row, what plain SQL reads for each run in the order asked.
    func testLongExportOfManyRunsFollowsTheOrderAskedAndEverySource() throws {
        var ids: [Int64] = try store.select(RunSelection(sort: "id"))
        for k in 0..<(3 * CurveExport.batch + 6) {
            let id = try store.startRun(NewRun(name: "run \(k)", configJSON: "{}", params: [:], gradbookVersion: "test"))
            for e in 1...(k % 5 + 1) {
                try store.recordEpoch(run: id, EpochRecord(epoch: e, trainLoss: Double(k) + 1 / Double(e),
                                                            testAccuracy: e % 2 == 0 ? nil : Double(e) / 10, extra: ["val_loss": Double(k * 10 + e)]))
            }
            try store.finishRun(run: id, status: .finished)
            ids.append(id)
        }
        ids = ids.enumerated().sorted { ($0.offset * 37) % ids.count < ($1.offset * 37) % ids.count }.map(\.element)
        let metrics = ["test_accuracy", "val_loss", "train_loss", "dead_units"]
        let rows = parseCSV(try render(.csv) { try CurveExport(store: store, runs: ids, metrics: metrics).writeLong(to: $0) }).dropFirst()
        var expected: [[String]] = []
        try RawDatabase.read(store.path) { db in
            for id in ids {
                let name = try String.fetchOne(db, sql: "SELECT name FROM runs WHERE id = ?", arguments: [id]) ?? ""
                let sources = [
                    "SELECT epoch, test_accuracy FROM epochs WHERE run_id = ? AND test_accuracy IS NOT NULL ORDER BY epoch",
                    "SELECT epoch, value FROM metrics WHERE run_id = ? AND name = 'val_loss' ORDER BY epoch",
                    "SELECT epoch, train_loss FROM epochs WHERE run_id = ? AND train_loss IS NOT NULL ORDER BY epoch",
                    "SELECT epoch, SUM(dead_units) FROM layer_health WHERE run_id = ? GROUP BY epoch ORDER BY epoch",
                ]
                for (metric, sql) in zip(metrics, sources) {
                    for row in try Row.fetchAll(db, sql: sql, arguments: [id]) {
                        expected.append([String(id), name, String(row[0] as Int64), metric, String(row[1] as Double)])
                    }
                }
            }
        }
        XCTAssertGreaterThan(expected.count, 200)
        XCTAssertEqual(Array(rows), expected)
    }

    /// The long layout writes each run's cells and each metric's name encoded once: in every
    /// format, with a name and a `--with` value that need escaping, it is byte for byte what the
    /// table writer makes of the same rows cell by cell.
    func testLongExportEncodesEveryFormatAsTheTableWriterDoes() throws {
        let odd = "a,b \"q\"\nline\ttab\\"
        let id = try store.startRun(NewRun(name: odd, configJSON: "{}", params: ["note": .text(odd)], gradbookVersion: "test"))
        for e in 1...3 { try store.recordEpoch(run: id, EpochRecord(epoch: e, trainLoss: 1 / Double(e), testLoss: e == 2 ? nil : 0.1 * Double(e))) }
        let ids = try store.select(RunSelection(sort: "id")).suffix(3)
        let metrics = ["train_loss", "test_loss"], with = try FilterParser.terms("note, lr")
        let curves = try store.curves(runs: Array(ids), metrics: metrics)
        let context = try store.table(runs: Array(ids), columns: [Term(name: "id")] + with)
        var rows: [[Cell]] = []
        for (run, runCurves) in zip(ids, curves) {
            let info = try XCTUnwrap(context.rows.first { $0[0] == .integer(run) }).dropFirst()
            let name = try RawDatabase.read(store.path) { try String.fetchOne($0, sql: "SELECT name FROM runs WHERE id = ?", arguments: [run]) }
            for curve in runCurves {
                for p in curve.points {
                    rows.append([.integer(run), name.map(Cell.text) ?? .null] + info + [.integer(Int64(p.epoch)), .text(curve.metric), .real(p.value)])
                }
            }
        }
        XCTAssertGreaterThan(rows.count, 5)
        let columns = ["run_id", "run_name", "note", "lr", "epoch", "metric", "value"]
        for format in OutputFormat.allCases {
            let long = try render(format) { try CurveExport(store: store, runs: Array(ids), metrics: metrics, with: with).writeLong(to: $0) }
            let cells = try render(format) { try $0.write(ResultTable(columns: columns, rows: rows)) }
            XCTAssertEqual(long, cells, "\(format)")
        }
    }

    /// Numbers go out in their shortest round-trip text whatever their size or sign, in every format.
    func testNumbersAreWrittenAsSwiftDescribesThem() throws {
        let integers: [Int64] = [0, 7, -1, 10, -10, 1_000_000, Int64.max, Int64.min, -1_234_567_890_123]
        let reals: [Double] = [0.1, -0.0, 1e-05, 1e300, -2.5e-8, .leastNonzeroMagnitude, 1.0 / 3.0, 123456789.0]
        let table = ResultTable(columns: ["i", "x"], rows: zip(integers, reals + [0.5]).map { [.integer($0), .real($1)] })
        let expected = zip(integers, reals + [0.5]).map { "\($0),\($1.description)" }
        XCTAssertEqual(try render(.csv) { try $0.write(table) }, "i,x\r\n" + expected.map { $0 + "\r\n" }.joined())
        XCTAssertEqual(try render(.tsv) { try $0.write(table) }, "i\tx\n" + expected.map { $0.replacingOccurrences(of: ",", with: "\t") + "\n" }.joined())
        XCTAssertEqual(try render(.jsonl) { try $0.write(ResultTable(columns: ["i", "x"], rows: [[.integer(Int64.min), .real(.infinity)]])) },
                       "{\"i\":-9223372036854775808,\"x\":null}\n")
        XCTAssertEqual(try render(.csv) { try $0.write(ResultTable(columns: ["x"], rows: [[.real(.infinity)], [.real(-.infinity)], [.null]])) },
                       "x\r\ninf\r\n-inf\r\n\r\n", "non-finite reals as Cell.text writes them")
    }

    func testSamplingKeepsFirstLastAndExtremes() {
        let points = (1...100).map { CurvePoint(epoch: $0, value: $0 == 37 ? -5 : $0 == 64 ? 9 : Double($0 % 7) / 10) }
        let every = CurveSampling.every(10).apply(points).map(\.epoch)
        XCTAssertEqual(every, [1, 10, 20, 30, 37, 40, 50, 60, 64, 70, 80, 90, 100])
        let few = CurveSampling.points(10).apply(points)
        XCTAssertLessThanOrEqual(few.count, 12)
        XCTAssertEqual(few.first?.epoch, 1)
        XCTAssertEqual(few.last?.epoch, 100)
        XCTAssertTrue(few.contains { $0.epoch == 37 } && few.contains { $0.epoch == 64 }, "\(few.map(\.epoch))")
        XCTAssertEqual(few.map(\.epoch), few.map(\.epoch).sorted())
        XCTAssertEqual(CurveSampling.points(500).apply(points).count, 100, "fewer points than asked: all kept")
    }
}
