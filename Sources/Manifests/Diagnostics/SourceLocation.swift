/// A 1-based line and column inside one file.
package struct Mark: Sendable, Hashable, Comparable {
    package var line: Int32
    package var column: Int32

    package init(line: Int, column: Int) {
        self.line = Int32(clamping: line)
        self.column = Int32(clamping: column)
    }

    package static let start = Mark(line: 1, column: 1)

    package static func < (a: Mark, b: Mark) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// A position that names its file, as every diagnostic must.
package struct SourceLocation: Sendable, Hashable, Comparable {
    package var file: String
    package var mark: Mark

    package init(file: String, mark: Mark) {
        self.file = file
        self.mark = mark
    }

    package var line: Int { Int(mark.line) }
    package var column: Int { Int(mark.column) }

    package static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.mark) < (b.file, b.mark)
    }
}
