import Datasets
import Foundation
import XCTest

final class CSVDatasetTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gradbook-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func write(_ text: String, _ name: String = "data.csv") throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    private func assertError(_ text: String, label: String? = nil, _ expected: String,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try write(text)
        XCTAssertThrowsError(try CSVDataset.load(path: path, label: label), file: file, line: line) { error in
            XCTAssertEqual("\(error)", expected.replacingOccurrences(of: "PATH", with: path), file: file, line: line)
        }
    }

    func testStringLabelsAreSortedIntoClasses() throws {
        let d = try CSVDataset.load(path: try write("a,b,species\n1,2,setosa\n3,4,virginica\n5,6,versicolor\n7,8,setosa\n"))
        XCTAssertEqual(d.featureNames, ["a", "b"])
        XCTAssertEqual(d.classNames, ["setosa", "versicolor", "virginica"])
        XCTAssertEqual(d.classIndices, [0, 2, 1, 0])
        XCTAssertEqual(d.features, [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(d.task, .multiclass(classes: 3))
    }

    func testLabelColumnByNameAndNumericClasses() throws {
        let d = try CSVDataset.load(path: try write("y,f1,f2\n10,0.5,1\n2,1.5,2\n10,2.5,3\n"), label: "y")
        XCTAssertEqual(d.featureNames, ["f1", "f2"])
        XCTAssertEqual(d.classNames, ["2", "10"], "numbers sort as numbers")
        XCTAssertEqual(d.task, .binary)
        XCTAssertEqual(d.targets, [1, 0, 1])
    }

    func testRealLabelsMeanRegression() throws {
        let d = try CSVDataset.load(path: try write("x,y\n1,0.25\n2,0.5\n3,-1.75\n"))
        XCTAssertEqual(d.task, .regression(outputs: 1))
        XCTAssertEqual(d.targets, [0.25, 0.5, -1.75])
    }

    func testQuotesCRLFAndByteOrderMark() throws {
        let text = "\u{FEFF}\"first, name\",x,label\r\n\"3\",\"4.5\",\"a \"\"quoted\"\"\nlabel\"\r\n1,2,b\r\n\r\n"
        let d = try CSVDataset.load(path: try write(text), label: "label")
        XCTAssertEqual(d.featureNames, ["first, name", "x"])
        XCTAssertEqual(d.classNames, ["a \"quoted\"\nlabel", "b"])
        XCTAssertEqual(d.features, [3, 4.5, 1, 2])
    }

    func testOldMacLineEnds() throws {
        let d = try CSVDataset.load(path: try write("x,y\r1,a\r2,b\r"))
        XCTAssertEqual(d.count, 2)
    }

    func testRaggedRowNamesTheLine() throws {
        try assertError("x,y,label\n1,2,a\n3,b\n", "PATH:3: expected 3 fields as in the header, found 2")
    }

    func testNonNumericCellNamesLineColumnAndValue() throws {
        try assertError("x,y,label\n1,2,a\n3,oops,b\n", "PATH:3:2: column 'y' holds 'oops'; expected a finite number "
                        + "(a text column? leave it out with --drop 'y', or choose inputs with --columns)")
        try assertError("x,y,label\n1,,a\n", "PATH:2:2: column 'y' has no value (''); expected a number, "
                        + "or --missing drop (leave such rows out) or --missing mean (fill with the training mean)")
        try assertError("x,y,label\n1,2,\n", "PATH:2:3: label column 'label' has no value (''); expected a label, or --missing drop to leave such rows out")
    }

    func testEmptyFileAndHeaderOnly() throws {
        try assertError("", "'PATH' is empty: expected a header row and at least one data row")
        try assertError("x,label\n", "'PATH' is empty: expected a header row and at least one data row")
    }

    func testMissingLabelColumnListsTheColumns() throws {
        try assertError("x,y,label\n1,2,a\n", label: "class", "'PATH' has no column 'class': its columns are 'x', 'y', 'label'")
    }

    func testNulBytesAndUnclosedQuotes() throws {
        try assertError("x,label\n1,a\0\n", "PATH:2:2: NUL byte in the file; expected text")
        try assertError("x,label\n1,\"a\n", "PATH:2:2: a quoted field is not closed before the end of the file")
    }

    func testMissingFileAndDirectory() {
        XCTAssertThrowsError(try CSVDataset.load(path: folder.appendingPathComponent("nope.csv").path)) { error in
            XCTAssertTrue("\(error)".contains("No such file or directory"), "\(error)")
        }
        XCTAssertThrowsError(try CSVDataset.load(path: folder.path)) { error in
            XCTAssertTrue("\(error)".contains("it is a directory"), "\(error)")
        }
    }

    func testTenThousandColumnsAreReadCorrectly() throws {
        let header = (0..<10_000).map { "c\($0)" }.joined(separator: ",") + ",label\n"
        let rows = (0..<3).map { r in (0..<10_000).map { String((r * 10_000 + $0) % 997) }.joined(separator: ",") + ",\(r % 2)\n" }
        let d = try CSVDataset.load(path: try write(header + rows.joined()))
        XCTAssertEqual(d.featureCount, 10_000)
        XCTAssertEqual(d.count, 3)
        XCTAssertEqual(d.features[10_000 + 9_999], Float((10_000 + 9_999) % 997))
    }

    /// Columns chosen by name in any order or dropped; missing cells dropped or left for the
    /// training mean to fill.
    func testColumnChoiceAndMissingValues() throws {
        let path = try write("id,a,name,b,label\n1,1.5,x,10,p\n2,NA,y,20,q\n3,3.5,z,,p\n4,4.5,w,40,\n5,5.5,v,50,q\n")
        let chosen = try CSVDataset.load(path: path, columns: ColumnChoice(inputs: ["b", "a"], drop: []), missing: .drop)
        XCTAssertEqual(chosen.featureNames, ["b", "a"])
        XCTAssertEqual(chosen.features, [10, 1.5, 50, 5.5])
        XCTAssertEqual(chosen.missing, Dataset.MissingCount(droppedRows: 3, missingValues: 0))
        let dropped = try CSVDataset.load(path: path, columns: ColumnChoice(inputs: nil, drop: ["id", "name"]), missing: .mean)
        XCTAssertEqual(dropped.featureNames, ["a", "b"])
        XCTAssertEqual(dropped.count, 4, "the row without a label is left out")
        XCTAssertEqual(dropped.missing, Dataset.MissingCount(droppedRows: 1, missingValues: 2))
        XCTAssertTrue(dropped.features[2].isNaN && dropped.features[5].isNaN)
        XCTAssertEqual(MissingValues.means(of: dropped), [3.5, Float(80.0 / 3)])
        XCTAssertEqual(MissingValues.filled(dropped, with: [3.5, 7]).features, [1.5, 10, 3.5, 20, 3.5, 7, 5.5, 50])
        XCTAssertThrowsError(try CSVDataset.load(path: path, columns: ColumnChoice(inputs: ["a", "nmae"], drop: []))) { error in
            XCTAssertTrue("\(error)".hasPrefix("invalid --columns 'nmae': expected a column of '\(path)': 'id', 'a', 'name', 'b', 'label' (did you mean 'name'?)"),
                          "\(error)")
        }
        XCTAssertThrowsError(try CSVDataset.load(path: path, columns: ColumnChoice(inputs: ["a", "label"], drop: []))) { error in
            XCTAssertTrue("\(error)".contains("'label' is the label column"), "\(error)")
        }
        XCTAssertThrowsError(try CSVDataset.load(path: path, columns: ColumnChoice(inputs: nil, drop: ["id", "a", "name", "b"]))) { error in
            XCTAssertTrue("\(error)".contains("at least one input column left"), "\(error)")
        }
    }

    func testMixedLineEndsInOneFile() throws {
        let d = try CSVDataset.load(path: try write("x,y,label\r\n1,2,a\n3,4,b\r5,6,a\r\n\"7\",8,\"b\nc\"\n"))
        XCTAssertEqual(d.features, [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(d.classNames, ["a", "b", "b\nc"])
    }

    func testNonFiniteNumbersAreRejectedWithTheirRow() throws {
        try assertError("x,y\n1,0\nnan,1\n", "PATH:3:1: column 'x' has no value ('nan'); expected a number, "
                        + "or --missing drop (leave such rows out) or --missing mean (fill with the training mean)")
        try assertError("x,y\n1,0\n2,1\n-inf,0\n", "PATH:4:1: column 'x' holds '-inf'; expected a finite number")
    }

    func testLargeFileStreamsWithBoundedMemory() throws {
        // About 50 MB of text, 500,000 rows × 12 features: kept as Float, about 24 MB.
        let url = folder.appendingPathComponent("big.csv")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        handle.write(Data((((0..<12).map { "f\($0)" } + ["label"]).joined(separator: ",") + "\n").utf8))
        var chunk: [UInt8] = []
        for i in 0..<500_000 {
            for j in 0..<12 {
                chunk += Array(String((i * 7 + j * 13) % 100_000).utf8)
                chunk += [UInt8(ascii: "."), UInt8(ascii: "5"), UInt8(ascii: ",")]
            }
            chunk += Array((i % 3 == 0 ? "cat\n" : "dog\n").utf8)
            if chunk.count > 1 << 20 { handle.write(Data(chunk)); chunk.removeAll(keepingCapacity: true) }
        }
        handle.write(Data(chunk))
        try handle.close()
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int
        XCTAssertGreaterThan(size, 45_000_000)
        let before = try resetPeakResidentBytes()
        let d = try CSVDataset.load(path: url.path)
        let growth = try peakResidentBytes() - before
        XCTAssertEqual(d.count, 500_000)
        XCTAssertEqual(d.classNames, ["cat", "dog"])
        XCTAssertEqual(d.features[12 * 7 + 1], Float((7 * 7 + 13) % 100_000) + 0.5)
        print("CSV load: \(size) bytes, peak memory growth \(growth) bytes")
        XCTAssertLessThan(growth, size, "peak memory grew by \(growth) bytes for a \(size)-byte file")
    }

    func testHeaderNamesMustBeThereAndDistinct() throws {
        try assertError("x,y,x,label\n1,2,3,a\n", "PATH:1:3: column name 'x' is also column 1; expected distinct names")
        try assertError("x, ,label\n1,2,a\n", "PATH:1:2: column 2 of the header has no name; expected a name for every column")
        try assertError("x,\"\",label\n1,2,a\n", "PATH:1:2: column 2 of the header has no name; expected a name for every column")
    }

    func testANumberBeyondFloat32IsNamedAsSuch() throws {
        try assertError("x,label\n1e39,a\n2,b\n", "PATH:2:1: column 'x' holds 1e39, beyond the range of 32-bit floats (±3.4e38); expected a smaller number")
        try assertError("x,label\n-5e300,a\n2,b\n", "PATH:2:1: column 'x' holds -5e300, beyond the range of 32-bit floats (±3.4e38); expected a smaller number")
        try assertError("x,label\ninf,a\n2,b\n", "PATH:2:1: column 'x' holds 'inf'; expected a finite number")
    }

    /// Thousands of distinct labels that are numbers but for a stray text cell: a value to
    /// predict, most likely, so the error says how to predict it.
    func testNumericLabelsWithAStrayTextCellGetARegressionHint() throws {
        var text = "x,price\n"
        for i in 0..<3_000 { text += "\(i),\(Double(i) * 1.5 + 0.25)\n" }
        text += "1,unknown\n"
        let path = try write(text)
        XCTAssertThrowsError(try CSVDataset.load(path: path)) { error in
            XCTAssertTrue("\(error)".contains("\(path):3002:2: label column 'price' would make 3001 classes"), "\(error)")
            XCTAssertTrue("\(error)".contains("use --label-kind regression"), "\(error)")
        }
        for i in 0..<(CSVDataset.maxClasses) { text += "\(i),\(Double(i) * 1.5 + 0.75)\n" }
        XCTAssertThrowsError(try CSVDataset.load(path: try write(text))) { error in
            XCTAssertTrue("\(error)".contains("more than \(CSVDataset.maxClasses) distinct labels") && "\(error)".contains("use --label-kind regression"), "\(error)")
        }
        let classes = try CSVDataset.load(path: try write("x,y\n1,a\n2,b\n3,a\n"))
        XCTAssertEqual(classes.classNames, ["a", "b"], "text labels stay classes")
    }

    func testAFileBeyondTheValueBudgetIsRefusedWhileReading() throws {
        var text = "a,b,label\n"
        for i in 0..<1_000 { text += "\(i),\(i),\(i % 2)\n" }
        let path = try write(text)
        XCTAssertEqual(try CSVDataset.load(path: path, maxValues: 3_000).targets.count, 1_000)
        XCTAssertThrowsError(try CSVDataset.load(path: path, maxValues: 2_000)) { error in
            XCTAssertEqual(error as? DatasetError, .tooLarge(path: path, limit: 2_000))
            XCTAssertTrue("\(error)".contains("raise --memory-limit"), "\(error)")
        }
    }
}

/// Resets the kernel's peak-RSS mark for this process (Linux: `5` into clear_refs) and returns
/// the current resident size.
private func resetPeakResidentBytes() throws -> Int {
    try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    return try peakResidentBytes()
}

/// The peak resident size (VmHWM) from /proc/self/status.
private func peakResidentBytes() throws -> Int {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    let line = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
    let kb = try XCTUnwrap(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    return kb * 1024
}
