/// The id syntaxes of the language.
enum Identifiers {
    /// `^[a-z][a-z0-9-]*$`
    static func isJourneyID(_ text: String) -> Bool {
        matches(text, extra: "-")
    }

    /// `^[a-z][a-z0-9_]*$`
    static func isStepID(_ text: String) -> Bool {
        matches(text, extra: "_")
    }

    private static func matches(_ text: String, extra: Unicode.Scalar) -> Bool {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, ("a"..."z").contains(first) else { return false }
        return scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == extra }
    }

    static func suggestJourneyID(_ text: String) -> String { suggest(text, separator: "-") }
    static func suggestStepID(_ text: String) -> String { suggest(text, separator: "_") }

    /// A valid id close to what the author wrote, for hints: `Remind Me` → `remind_me`.
    private static func suggest(_ text: String, separator: Character) -> String {
        var result = ""
        for character in text.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                result.append(character)
            } else if result.last != separator && !result.isEmpty {
                result.append(separator)
            }
        }
        while result.last == separator { result.removeLast() }
        while let first = result.first, !first.isLetter { result.removeFirst() }
        return result.isEmpty ? "x" : result
    }
}
