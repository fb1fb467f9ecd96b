import Engine
import GitStore

/// Opens the repository a command names, with an error that says what to do instead of libgit2's call.
enum RepositoryOpening {
    static func open(_ path: String, option: String = "--repo") throws -> GitRepository {
        do {
            return try GitRepository(path: path)
        } catch {
            throw PlanFailure(Planned.notARepository(path, error, option: option))
        }
    }
}
