/// A 1-based line and column inside one file.
public struct Mark: Sendable, Hashable, Comparable {
    public var line: Int32
    public var column: Int32

    public init(line: Int, column: Int) {
        self.line = Int32(clamping: line)
        self.column = Int32(clamping: column)
    }

    public static let start = Mark(line: 1, column: 1)

    public static func < (a: Mark, b: Mark) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// A position that names its file, as every diagnostic must.
public struct SourceLocation: Sendable, Hashable, Comparable {
    public var file: String
    public var mark: Mark

    public init(file: String, mark: Mark) {
        self.file = file
        self.mark = mark
    }

    public var line: Int { Int(mark.line) }
    public var column: Int { Int(mark.column) }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.mark) < (b.file, b.mark)
    }
}
