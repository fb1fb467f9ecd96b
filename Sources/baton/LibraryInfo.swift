import Engine
import GitStore
import SSHTransport

typealias GitLibraryInfo = GitLibrary
typealias SSHLibraryInfo = SSHLibrary
