import Foundation
import GRDB
import GradbookTestSupport
import Tracking
import XCTest

final class RunTableTests: StoreTestCase {
    /// Tables of the schema with a `run_id` column that ``RunTable/all`` does not list, and
    /// listed tables the schema does not have.
    private func drift(_ path: String) throws -> (unlisted: Set<String>, missing: Set<String>) {
        let tables = try RawDatabase.read(path) { db in
            try String.fetchAll(db, sql: """
                SELECT m.name FROM sqlite_master m
                WHERE m.type = 'table' AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'run_id')
                """)
        }
        let listed = Set(RunTable.all.map(\.name))
        return (Set(tables).subtracting(listed), listed.subtracting(tables))
    }

    func testTheRegistryListsEveryTableOfARunAndNoOther() throws {
        try RunStore(path: path()).close()
        let (unlisted, missing) = try drift(path())
        XCTAssertEqual(unlisted, [], "a migration added a table of runs that RunTable.all does not list")
        XCTAssertEqual(missing, [])
    }

    /// The check catches what it is for: a table with a `run_id` added by a migration.
    func testATableAddedWithoutItsEntryIsCaught() throws {
        try RunStore(path: path()).close()
        try execute("CREATE TABLE grades (run_id INTEGER NOT NULL REFERENCES runs(id), grade TEXT)", on: path())
        XCTAssertEqual(try drift(path()).unlisted, ["grades"])
    }

    /// Parents come before the tables that reference them, so copying in this order never
    /// breaks a foreign key, and deleting in reverse never relies on a cascade.
    func testParentsComeBeforeTheirChildren() throws {
        try RunStore(path: path()).close()
        let names = RunTable.all.map(\.name)
        for (i, table) in names.enumerated() {
            let parents = try RawDatabase.read(path()) { db in
                try String.fetchAll(db, sql: "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)", arguments: [table])
            }
            for parent in parents where parent != "runs" {
                let p = try XCTUnwrap(names.firstIndex(of: parent), "\(table) references \(parent), which is not a run table")
                XCTAssertLessThan(p, i, "\(parent) must come before \(table)")
            }
        }
    }
}
