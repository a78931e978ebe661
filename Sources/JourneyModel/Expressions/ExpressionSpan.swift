/// Where each node of a parsed expression sits in its text, in the same shape as
/// the tree.
///
/// ``ExpressionNode`` carries no positions (it is the stable, `Codable` model that
/// others store and compare), so the parser builds this parallel tree alongside it.
/// The type checker walks both together to point its issues at the right column.
struct ExpressionSpan: Sendable, Hashable {
    /// Where the node's text starts.
    var start: Int
    /// Where to point when the node itself is wrong: the operator of a binary
    /// node, the name of a call, otherwise ``start``.
    var anchor: Int
    /// Spans of the node's children, in the order ``ExpressionNode`` lists them
    /// (list elements, the operand, left then right, the arguments).
    var children: [ExpressionSpan]
    /// Height of the tree below and including this node, for the nesting limit.
    var depth: Int

    init(start: Int, anchor: Int? = nil, children: [ExpressionSpan] = []) {
        self.start = start
        self.anchor = anchor ?? start
        self.children = children
        self.depth = 1 + (children.map(\.depth).max() ?? 0)
    }
}
