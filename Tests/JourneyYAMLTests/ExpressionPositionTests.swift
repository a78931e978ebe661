import JourneyModel
import JourneyYAML
import Testing

/// Where an expression's error is reported, for what golden files cannot hold: line endings.
/// (The scalar styles are covered by `Fixtures/broken/expression-positions.yaml`.)
@Suite struct ExpressionPositionTests {
    static let journey = """
        journey: positions
        entry:
          event: go
          where: 'event.source == ''social'' and foo(1)'
        steps:
          - id: route
            branch:
              - when: profile.a == 1 and
                  bar(2)
                goto: done
              - else: done
          - id: done
            exit: done
        """

    static func locations(_ text: String) -> [String] {
        JourneyFileParser.parse(text: text, file: "j.yaml").diagnostics.filter { $0.severity == .error }.map {
            "\($0.location.line):\($0.location.column)"
        }
    }

    @Test func windowsLineEndingsGiveTheSamePositions() {
        let unix = Self.locations(Self.journey)
        #expect(unix == ["4:42", "9:11"])
        #expect(Self.locations(Self.journey.replacingOccurrences(of: "\n", with: "\r\n")) == unix)
    }
}
