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

    /// Whether `text` looks like an event name (`signup`, `add_to_cart`, `order.paid`), for hints.
    static func isEventName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic || first == "_" else { return false }
        return text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0) }
    }

    static func suggestJourneyID(_ text: String) -> String { suggest(text, separator: "-", prefix: "journey") }
    static func suggestStepID(_ text: String) -> String { suggest(text, separator: "_", prefix: "step") }

    /// A valid id close to what the author wrote, for hints: `Remind Me` → `remind_me`,
    /// `2nd_try` → `step_2nd_try` (an id starts with a letter).
    private static func suggest(_ text: String, separator: Character, prefix: String) -> String {
        var result = ""
        for character in text.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                result.append(character)
            } else if result.last != separator && !result.isEmpty {
                result.append(separator)
            }
        }
        while result.last == separator { result.removeLast() }
        if result.isEmpty { return prefix }
        if let first = result.first, !first.isLetter { result = prefix + String(separator) + result }
        return result
    }
}
