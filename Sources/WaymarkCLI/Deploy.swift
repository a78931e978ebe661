import ArgumentParser
import Foundation
import JourneyModel
import WaymarkServer

extension Waymark {
    /// `waymark deploy FILE…`: validates on the node and deploys each journey file.
    struct Deploy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deploy journey files to a running node (validated there first).")

        @OptionGroup var node: AdminOptions

        @Argument(help: "Journey YAML files.")
        var files: [String]

        func run() async throws {
            var failed = false
            for file in files {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                let name = (file as NSString).lastPathComponent.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "request.yaml"
                let answer = try await node.client.post("/v1/journeys?file=\(name)", text: text, contentType: "application/yaml")
                if answer.isSuccess {
                    let id = answer.json[path: ["journey"]].stringValue ?? "?"
                    let version = answer.json[path: ["version"]].numberValue.map { Int($0) } ?? 0
                    print("\(file): \(id) v\(version) \(answer.json[path: ["change"]].stringValue ?? "")")
                } else {
                    failed = true
                    let diagnostics = answer.json[path: ["error", "diagnostics"]].arrayValue ?? []
                    if diagnostics.isEmpty { print("\(file): HTTP \(answer.status) \(answer.errorMessage ?? answer.text)") }
                    for diagnostic in diagnostics {
                        let line = diagnostic[path: ["line"]].numberValue.map { Int($0) } ?? 0
                        let column = diagnostic[path: ["column"]].numberValue.map { Int($0) } ?? 0
                        let severity = diagnostic[path: ["severity"]].stringValue ?? "error"
                        print("\(file):\(line):\(column): \(severity): \(diagnostic[path: ["message"]].stringValue ?? "")")
                    }
                }
            }
            if failed { throw ExitCode(1) }
        }
    }
}
