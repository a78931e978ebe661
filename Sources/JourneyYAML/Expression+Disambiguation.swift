import JourneyModel

/// Foundation also declares an `Expression` type; in this module the word means the journey language's.
typealias Expression = JourneyModel.Expression
