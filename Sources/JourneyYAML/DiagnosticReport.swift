import JourneyModel

/// Renders a load result for people (compiler-style lines) or for tools (JSON):
/// what `waymark validate` prints, kept here so the golden tests check the very text.
public enum DiagnosticReport {
    /// One `FILE:LINE:COLUMN: severity: MESSAGE` line per diagnostic (and its `    hint:` line),
    /// then a summary line.
    public static func text(_ result: JourneyLoadResult) -> String {
        var output = ""
        for diagnostic in result.diagnostics {
            output += diagnostic.description + "\n"
        }
        let files = result.fileCount == 1 ? "1 file" : "\(result.fileCount) files"
        output += "\(files): \(plural(result.errorCount, "error")), \(plural(result.warningCount, "warning"))\n"
        return output
    }

    /// `{"files", "errors", "warnings", "journeys", "diagnostics": [{file, line, column, severity, code, message, hint}]}`.
    public static func json(_ result: JourneyLoadResult) -> String {
        let diagnostics: [JSONValue] = result.diagnostics.map { diagnostic in
            .object([
                "file": .string(diagnostic.location.file),
                "line": .number(Double(diagnostic.location.line)),
                "column": .number(Double(diagnostic.location.column)),
                "severity": .string(diagnostic.severity.rawValue),
                "code": .string(diagnostic.code),
                "message": .string(diagnostic.message),
                "hint": diagnostic.hint.map(JSONValue.string) ?? .null,
            ])
        }
        let report: JSONValue = .object([
            "files": .number(Double(result.fileCount)),
            "errors": .number(Double(result.errorCount)),
            "warnings": .number(Double(result.warningCount)),
            "journeys": .array(result.journeys.map { .string($0.definition.id) }),
            "diagnostics": .array(diagnostics),
        ])
        return report.description
    }

    private static func plural(_ count: Int, _ noun: String) -> String {
        count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
    }
}
