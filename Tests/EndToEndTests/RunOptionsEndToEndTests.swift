import Experiments
import Foundation
import GRDB
import XCTest

/// The run options of the command line, the config file and the stored parameters all come from
/// ``RunOption/all``.
final class RunOptionsEndToEndTests: EndToEndTestCase {
    /// `--help` of `run` and `sweep` lists every option of the table with its default, once.
    func testHelpListsEveryOptionWithItsDefault() throws {
        for command in ["run", "sweep"] {
            let help = try gradbook(command, "--help")
            XCTAssertEqual(help.status, 0, help.stderr)
            // ArgumentParser wraps help at 80 columns: compare with the lines joined.
            let text = help.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            for option in RunOption.all {
                let flag = option.isFlag ? "--\(option.key)/--no-\(option.key)" : "--\(option.key) <\(option.valueName)>"
                XCTAssertTrue(text.contains(flag), "\(command): \(flag)")
                if let note = option.defaultHelp { XCTAssertTrue(text.contains(note), "\(command) --\(option.key): \(note)") }
            }
        }
    }

    /// A config file may set every option; the run stores what it set.
    func testAConfigFileTakesEveryOptionKey() throws {
        var yaml = "epochs: 2\nexploding_window: 4\nlayers: [5, 3]\nactivation: relu\nbatch-size: 20\nsnapshots: none\n"
        yaml += "name: from-file\n"
        try Data(yaml.utf8).write(to: folder.appendingPathComponent("run.yaml"))
        let r = try gradbook("run", "--config", "run.yaml", "--activation", "tanh")
        XCTAssertEqual(r.status, 0, r.stderr)
        let params = try query { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT name, value FROM params WHERE run_id = 1").map {
                ($0["name"] as String, ($0["value"] as DatabaseValue).description)
            })
        }
        XCTAssertEqual(params["exploding_window"], "4")
        XCTAssertEqual(params["layers"], "\"5,3\"")
        XCTAssertEqual(params["activation"], "\"tanh\"", "a flag wins over the file")
        XCTAssertEqual(params["batch_size"], "20")
        XCTAssertEqual(params["snapshots"], "\"none\"")
        let keys = Set(RunOption.all.compactMap(\.param) + RunOption.derivedParams)
        XCTAssertEqual(Set(params.keys).subtracting(keys), [], "every stored parameter is an option's")
        // An unknown key lists the options.
        try Data("learning_rate: 0.1\n".utf8).write(to: folder.appendingPathComponent("bad.yaml"))
        let bad = try gradbook("run", "--config", "bad.yaml")
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("unknown key 'learning_rate'") && bad.stderr.contains("exploding-window"), bad.stderr)
    }

    /// `eval` takes the data options and refuses the others, naming them.
    func testEvalTakesOnlyDataOptions() throws {
        XCTAssertEqual(try gradbook("run", "--epochs", "3", "--dataset", "circle").status, 0)
        XCTAssertEqual(try gradbook("eval", "1", "--noise", "10").status, 0)
        let network = try gradbook("eval", "1", "--lr", "0.5")
        XCTAssertEqual(network.status, 2)
        XCTAssertTrue(network.stderr.contains("invalid --lr '0.5': expected a data option"), network.stderr)
    }
}
