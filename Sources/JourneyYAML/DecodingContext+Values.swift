import Foundation
import JourneyModel
import Yams

/// Readers for the language's value syntaxes. Each reports its own problem at
/// the node and returns `nil`, so decoding goes on and finds the next one.
extension DecodingContext {
    func duration(_ node: Node, what: String) -> JourneyDuration? {
        guard let text = scalarText(node, what: what) else { return nil }
        guard let duration = JourneyDuration.parse(text) else {
            error("invalid-duration", "\(what) must be a duration, not `\(text)`", hint: Suggestions.duration(text), at: node)
            return nil
        }
        return duration
    }

    func localTime(_ node: Node, what: String) -> LocalTime? {
        guard let text = scalarText(node, what: what) else { return nil }
        guard let time = LocalTime.parse(text) else {
            error("invalid-time", "\(what) must be a time of day, not `\(text)`", hint: Suggestions.time(text) ?? LocalTime.syntaxHelp, at: node)
            return nil
        }
        return time
    }

    /// A cron schedule; a field that does not parse is pointed at, and a schedule
    /// that parses but matches no date (`0 0 30 2 *`) is an error too.
    func cron(_ node: Node, what: String) -> CronSchedule? {
        guard let text = scalarText(node, what: what) else { return nil }
        let schedule: CronSchedule
        do {
            schedule = try CronSchedule.parse(text)
        } catch {
            self.error(
                "invalid-cron", "\(what) `\(text)`: \(error.message)", hint: CronSchedule.syntaxHelp,
                at: location(in: node, offset: Self.offset(ofField: error.field, in: text)))
            return nil
        }
        guard schedule.canFire else {
            self.error(
                "cron-never-fires", "\(what) `\(text)` can never fire: none of its months has the day of the month it names",
                hint: "February has at most 29 days; April, June, September and November have 30",
                at: location(in: node, offset: Self.offset(ofField: 2, in: text)))
            return nil
        }
        return schedule
    }

    /// Where field number `field` (0-based) of a cron text starts; the end of the text when there are fewer fields.
    static func offset(ofField field: Int, in text: String) -> Int {
        var index = 0
        var fieldStart: Int?
        var fields = 0
        var previousWasSpace = true
        for character in text.unicodeScalars {
            let isSpace = character == " " || character == "\t"
            if !isSpace && previousWasSpace {
                if fields == field { fieldStart = index }
                fields += 1
            }
            previousWasSpace = isSpace
            if fieldStart != nil { break }
            index += 1
        }
        return fieldStart ?? text.count
    }

    func timezone(_ node: Node) -> String? {
        guard let text = nonEmptyString(node, what: "`timezone`") else { return nil }
        guard ZonedCalendar.zone(named: text) != nil else {
            error("invalid-timezone", "`\(text)` is not a known time zone", hint: Suggestions.timezone(text), at: node)
            return nil
        }
        return text
    }

    /// A whole number of at least `minimum`.
    func integer(_ node: Node, what: String, minimum: Int) -> Int? {
        guard let text = scalarText(node, what: what) else { return nil }
        guard let value = Int(text), value >= minimum else {
            error("invalid-number", "\(what) must be a whole number of at least \(minimum), not `\(text)`", at: node)
            return nil
        }
        return value
    }

    /// Any finite number (the language writes weights as 1, 0.5, 30 …).
    func number(_ node: Node, what: String) -> Double? {
        guard let text = scalarText(node, what: what) else { return nil }
        guard let value = Double(text.trimmingWhitespace), value.isFinite else {
            error("invalid-number", "\(what) must be a number, not `\(text)`", at: node)
            return nil
        }
        return value
    }

    /// A percentage from 0 to 100, with or without `%`.
    func percent(_ node: Node, what: String) -> Double? {
        guard let text = scalarText(node, what: what) else { return nil }
        var digits = text.trimmingWhitespace
        if digits.hasSuffix("%") { digits = digits.dropLast() }
        guard let value = Double(digits), value >= 0, value <= 100 else {
            error("invalid-percent", "\(what) must be a percentage from 0 to 100, not `\(text)`", at: node)
            return nil
        }
        return value
    }

    func bool(_ node: Node, what: String) -> Bool? {
        guard let text = scalarText(node, what: what) else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default:
            error("invalid-bool", "\(what) must be `true` or `false`, not `\(text)`", at: node)
            return nil
        }
    }

    /// A jump target: a step id or `end`. Whether the step exists is the validator's job.
    func target(_ node: Node, what: String) -> Target? {
        guard let text = nonEmptyString(node, what: what) else { return nil }
        return Target(text)
    }

    /// Parses and type-checks an expression, pointing diagnostics at the exact column
    /// when the expression sits on one line.
    func expression(_ node: Node, what: String, expecting: ExpressionType?) -> Expression? {
        guard let text = nonEmptyString(node, what: what) else { return nil }
        let expression: Expression
        do {
            expression = try Expression.parse(text)
        } catch {
            // An unclosed bracket is shown where it is in the file, like the error itself.
            let hint = error.unclosed.map { unclosed in
                let place = location(in: node, offset: unclosed.offset)
                return unclosed.hint(at: "\(place.line):\(place.column)")
            } ?? error.hint
            self.error("invalid-expression", "\(what): \(error.message)", hint: hint, at: location(in: node, offset: error.offset))
            return nil
        }
        for issue in ExpressionTypeChecker.check(expression, expecting: expecting) {
            error("expression-type", "\(what): \(issue.message)", hint: issue.hint, at: location(in: node, offset: issue.offset))
        }
        return expression
    }

    /// The location of the character at `offset` inside a scalar, when it can be known.
    /// Falls back to the scalar's start when the source cannot say (see ``ScalarSourcePosition``).
    func location(in node: Node, offset: Int) -> SourceLocation {
        var location = location(of: node)
        guard case .scalar(let scalar) = node,
            let found = sourcePositions?.locate(offset: offset, in: scalar, line: location.line, column: location.column)
        else { return location }
        location.line = found.line
        location.column = found.column
        return location
    }

    /// Converts YAML into a JSON value: plain scalars that read as null, booleans
    /// or numbers become those; quoted scalars stay strings.
    func json(_ node: Node) -> JSONValue {
        guard spendNode(node) else { return .null }
        switch node {
        case .scalar(let scalar):
            guard scalar.style == .plain || scalar.style == .any else { return .string(scalar.string) }
            return JSONValue(plainScalar: scalar.string)
        case .sequence(let sequence):
            return .array(sequence.map { json($0) })
        case .mapping(let mapping):
            var fields: [String: JSONValue] = [:]
            for (key, value) in mapping where !isSkipped(key) {
                fields[key.scalar?.string ?? "\(key)"] = json(value)
            }
            return .object(fields)
        case .alias:
            return .null
        }
    }
}

extension JSONValue {
    /// How YAML's core schema reads an unquoted scalar.
    init(plainScalar text: String) {
        switch text {
        case "", "~", "null", "Null", "NULL": self = .null
        case "true", "True", "TRUE": self = .bool(true)
        case "false", "False", "FALSE": self = .bool(false)
        default:
            if let number = Double(text), number.isFinite, text.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true {
                self = .number(number)
            } else {
                self = .string(text)
            }
        }
    }
}

/// Known IANA zone names, for "did you mean" hints.
enum TimeZoneNames {
    static let all: [String] = ["UTC"] + TimeZone.knownTimeZoneIdentifiers
}
