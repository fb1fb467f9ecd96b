import ArgumentParser

enum DiagnosticFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, github
}
