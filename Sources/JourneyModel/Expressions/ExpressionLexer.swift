/// Splits expression text into tokens.
///
/// It works on Unicode scalars so every token's offset is a code-point offset,
/// the unit a YAML column counts (see ``ExpressionSyntaxError/offset``). Mistakes
/// that authors bring from other languages (`=`, `&&`, `||`, `!`) are reported
/// here with the Waymark spelling as the hint, instead of as a bare
/// "unexpected character".
struct ExpressionLexer {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var tokens: [ExpressionToken] = []

    /// Tokenizes `text`; the result always ends with an `.end` token at the text's length.
    static func tokenize(_ text: String) throws(ExpressionSyntaxError) -> [ExpressionToken] {
        var lexer = ExpressionLexer(scalars: Array(text.unicodeScalars))
        try lexer.run()
        return lexer.tokens
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private mutating func run() throws(ExpressionSyntaxError) {
        while let scalar = peek() {
            let start = position
            if scalar.properties.isWhitespace {
                position += 1
            } else if Self.isDigit(scalar) {
                // After a `.`, a word that starts with a digit is an attribute name (`profile.2fa`).
                if tokens.last?.kind == .dot {
                    emit(.identifier(readWord()), at: start)
                } else {
                    try readNumber()
                }
            } else if Self.isWordStart(scalar) {
                emit(.identifier(readWord()), at: start)
            } else if scalar == "'" || scalar == "\"" {
                try readString(quote: scalar)
            } else {
                try readPunctuation(scalar)
            }
        }
        emit(.end, at: scalars.count)
    }

    private mutating func readPunctuation(_ scalar: Unicode.Scalar) throws(ExpressionSyntaxError) {
        let start = position
        let next = peek(1)
        position += 1
        switch scalar {
        case "(": emit(.leftParen, at: start)
        case ")": emit(.rightParen, at: start)
        case "[": emit(.leftBracket, at: start)
        case "]": emit(.rightBracket, at: start)
        case ",": emit(.comma, at: start)
        case ".": emit(.dot, at: start)
        case "+": emit(.symbol(.add), at: start)
        case "-": emit(.symbol(.subtract), at: start)
        case "*": emit(.symbol(.multiply), at: start)
        case "/": emit(.symbol(.divide), at: start)
        case "<" where next == "=":
            position += 1
            emit(.symbol(.lessOrEqual), at: start)
        case "<": emit(.symbol(.less), at: start)
        case ">" where next == "=":
            position += 1
            emit(.symbol(.greaterOrEqual), at: start)
        case ">": emit(.symbol(.greater), at: start)
        case "=" where next == "=":
            position += 1
            emit(.symbol(.equal), at: start)
        case "!" where next == "=":
            position += 1
            emit(.symbol(.notEqual), at: start)
        case "=":
            throw ExpressionSyntaxError("unexpected `=`", hint: "to compare, write `==`", at: start)
        case "!":
            throw ExpressionSyntaxError("unexpected `!`", hint: "write `not` to negate a condition", at: start)
        case "&":
            throw ExpressionSyntaxError("unexpected `&`", hint: "write `and` to combine conditions", at: start)
        case "|":
            throw ExpressionSyntaxError("unexpected `|`", hint: "write `or` to combine conditions", at: start)
        default:
            throw ExpressionSyntaxError("unexpected character `\(Character(scalar))`", at: start)
        }
    }

    /// Integers and decimals (`42`, `0.5`). No exponents, no leading `.`: journey
    /// authors write amounts and counts, and a short grammar gives clearer errors.
    private mutating func readNumber() throws(ExpressionSyntaxError) {
        let start = position
        while let scalar = peek(), Self.isDigit(scalar) { position += 1 }
        if peek() == ".", let after = peek(1), Self.isDigit(after) {
            position += 1
            while let scalar = peek(), Self.isDigit(scalar) { position += 1 }
        }
        let digits = String(String.UnicodeScalarView(scalars[start..<position]))
        if let next = peek(), Self.isWordStart(next) || next == "." {
            let suffixStart = position
            let word = next == "." ? "." : readWord()
            let isDuration = ["s", "m", "h", "d", "w"].contains(word)
            throw ExpressionSyntaxError(
                "`\(digits)\(word)` is not a number",
                hint: isDuration ? Self.durationHint : nil,
                at: next == "." ? suffixStart : start)
        }
        guard let value = Double(digits), value.isFinite else {
            throw ExpressionSyntaxError("the number `\(digits)` is too large", at: start)
        }
        emit(.number(value), at: start)
    }

    private static let durationHint =
        "durations are not values in expressions; compare `days_since(…)` or `hours_since(…)` with a number"

    /// A string in `'…'` or `"…"`. Escapes: `\\ \' \" \/ \n \t \r \uXXXX`.
    private mutating func readString(quote: Unicode.Scalar) throws(ExpressionSyntaxError) {
        let start = position
        position += 1
        var value = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else {
                throw ExpressionSyntaxError(
                    "unterminated string", hint: "close it with \(Character(quote))", at: start)
            }
            position += 1
            if scalar == quote { break }
            guard scalar == "\\" else {
                value.append(scalar)
                continue
            }
            value.append(try readEscape(backslashAt: position - 1))
        }
        emit(.string(String(value)), at: start)
    }

    private mutating func readEscape(backslashAt offset: Int) throws(ExpressionSyntaxError) -> Unicode.Scalar {
        let hint = #"the escapes are \\ \' \" \/ \n \t \r and \uXXXX"#
        guard let scalar = peek() else {
            throw ExpressionSyntaxError("unterminated string", hint: hint, at: offset)
        }
        position += 1
        switch scalar {
        case "\\", "'", "\"", "/": return scalar
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "u":
            var code: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = peek(), let value = Self.hexValue(digit) else {
                    throw ExpressionSyntaxError("`\\u` needs four hex digits", hint: hint, at: offset)
                }
                code = code * 16 + value
                position += 1
            }
            guard let result = Unicode.Scalar(code) else {
                throw ExpressionSyntaxError("`\\u` escape is not a character", hint: hint, at: offset)
            }
            return result
        default:
            throw ExpressionSyntaxError("unknown escape `\\\(Character(scalar))`", hint: hint, at: offset)
        }
    }

    private mutating func readWord() -> String {
        let start = position
        while let scalar = peek(), Self.isWordStart(scalar) || Self.isDigit(scalar) { position += 1 }
        return String(String.UnicodeScalarView(scalars[start..<position]))
    }

    private mutating func emit(_ kind: ExpressionToken.Kind, at offset: Int) {
        tokens.append(ExpressionToken(kind: kind, offset: offset))
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        position + ahead < scalars.count ? scalars[position + ahead] : nil
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }

    /// Letters of any script and `_`, so attribute names like `profile.城市` work.
    private static func isWordStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 48
        case "a"..."f": scalar.value - 87
        case "A"..."F": scalar.value - 55
        default: nil
        }
    }
}
