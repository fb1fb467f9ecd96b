import CYAML

public enum YAMLLibrary {
    /// The version of the linked libyaml.
    public static var version: String {
        yaml_get_version_string().map { String(cString: $0) } ?? "unknown"
    }
}
