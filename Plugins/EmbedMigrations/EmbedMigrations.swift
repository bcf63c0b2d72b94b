import Foundation
import PackagePlugin

/// Embeds `migrations/*.sql` into the target as Swift source, so a `gradbook` binary copied
/// anywhere carries its schema. The SQL files stay the one source of truth: they are the
/// command's inputs, so editing or adding one rebuilds the generated file.
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "migrations")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [.buildCommand(
            displayName: "Embedding \(files.count) migrations",
            executable: try context.tool(named: "MigrationEmbedder").url,
            arguments: [output.path, folder.path],
            // The folder too: adding a migration changes it, and the tool lists it again.
            inputFiles: [folder] + files,
            outputFiles: [output])]
    }
}
