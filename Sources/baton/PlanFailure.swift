/// Why a plan could not be made, said so that the user knows what to do.
struct PlanFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
