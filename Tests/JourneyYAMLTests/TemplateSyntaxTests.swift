import Foundation
import JourneyModel
import JourneyYAML
import Testing

/// Template syntax, checked with the engine a front end passes in: inline messages and
/// webhook texts of a journey, and the template files beside it.
@Suite struct TemplateSyntaxTests {
    /// A stand-in for Mustache: a `{{#` without `{{/` is an unclosed section at that column.
    static let unclosedSection: TemplateSyntaxCheck = { text in
        guard let open = text.range(of: "{{#"), !text.contains("{{/") else { return nil }
        let column = text.distance(from: text.startIndex, to: open.lowerBound) + 1
        return TemplateSyntaxProblem(message: "a section is never closed", line: 1, column: column)
    }

    static let journey = """
        journey: texts
        entry: { event: signup }
        steps:
          - id: hello
            send: { channel: sms, message: "Hi {{#profile.vip}}VIP" }
          - id: fine
            send: { channel: sms, message: "Hi {{profile.first_name}}" }
          - id: hook
            webhook:
              url: "https://crm.example/{{#id}}"
              headers: { X-Who: "{{#who}}" }
              body: { note: "{{#note}}", ok: "{{profile.plan}}" }
        """

    func load(_ check: TemplateSyntaxCheck?, templates: [String: String] = [:]) throws -> JourneyLoadResult {
        let folder = try ScratchDirectory()
        defer { folder.remove() }
        try folder.write(Data(Self.journey.utf8), to: "texts.yaml")
        for (name, text) in templates { try folder.write(Data(text.utf8), to: "templates/\(name)") }
        return JourneyLoader(validator: JourneyValidator(templateSyntax: check)).load(paths: [folder.url.path + "/texts.yaml"])
    }

    @Test func everyInlineTextIsCheckedAndShownWhereItIsWritten() throws {
        let result = try load(Self.unclosedSection)
        let problems = result.diagnostics.filter { $0.code == "invalid-template" }
        #expect(problems.map(\.location.line) == [5, 10, 11, 12])
        #expect(problems.first?.message == "the message is not a valid Mustache template: a section is never closed, found at column 4")
        #expect(problems.map(\.message).contains("header `X-Who` is not a valid Mustache template: a section is never closed, found at column 1"))
        #expect(result.journeys.isEmpty, "a journey with a text that is no template is not deployed")
    }

    @Test func templateFilesAreCheckedOnceWithTheirOwnLineAndColumn() throws {
        let result = try load(Self.unclosedSection, templates: ["good.mustache": "Hi {{name}}", "bad.sms.mustache": "Dear {{#x}}"])
        let files = result.diagnostics.filter { $0.location.file.hasSuffix(".mustache") }
        #expect(files.count == 1, "\(result.diagnostics)")
        #expect(files.first?.location.file.hasSuffix("/templates/bad.sms.mustache") == true)
        #expect(files.first?.location.line == 1 && files.first?.location.column == 6)
        #expect(files.first?.message == "the template does not parse: a section is never closed")
        #expect(files.first?.severity == .error)
    }

    @Test func withoutATemplateEngineNothingIsChecked() throws {
        let result = try load(nil, templates: ["bad.mustache": "{{#x}}"])
        #expect(result.errorCount == 0, "\(result.diagnostics)")
        #expect(result.journeys.count == 1)
    }
}
