import CYAML

package enum YAMLLibrary {
    /// The version of the linked libyaml.
    package static var version: String {
        yaml_get_version_string().map { String(cString: $0) } ?? "unknown"
    }
}
