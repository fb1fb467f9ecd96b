import ArgumentParser
import Engine

enum DiagnosticFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, github
}
