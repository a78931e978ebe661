import JourneyModel

/// JSON for people: two-space indents, keys sorted, one field per line (so that
/// identical runs give identical bytes, and a diff of two summaries reads well).
enum PrettyJSON {
    static func string(_ value: JSONValue) -> String {
        var output = ""
        write(value, indent: 0, to: &output)
        output += "\n"
        return output
    }

    private static func write(_ value: JSONValue, indent: Int, to output: inout String) {
        let pad = String(repeating: "  ", count: indent + 1)
        switch value {
        case .array(let values) where !values.isEmpty:
            output += "[\n"
            for (index, element) in values.enumerated() {
                output += pad
                write(element, indent: indent + 1, to: &output)
                output += index + 1 < values.count ? ",\n" : "\n"
            }
            output += String(repeating: "  ", count: indent) + "]"
        case .object(let fields) where !fields.isEmpty:
            output += "{\n"
            let keys = fields.keys.sorted()
            for (index, key) in keys.enumerated() {
                output += pad
                JSONValue.writeQuoted(key, to: &output)
                output += ": "
                write(fields[key]!, indent: indent + 1, to: &output)
                output += index + 1 < keys.count ? ",\n" : "\n"
            }
            output += String(repeating: "  ", count: indent) + "}"
        default:
            value.write(to: &output)
        }
    }
}
