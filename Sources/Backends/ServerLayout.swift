import Manifests

/// Where a server keeps what Baton writes: Debian's layout, or the Server's `paths` overrides.
package struct ServerLayout: Sendable, Hashable {
    /// Baton's own folder: zone files, the archive of deleted homes, backups of replaced configuration.
    package var state: String
    package var zones: String
    /// The include file of `named.conf` that holds Baton's zone stanzas, and the file that includes it.
    package var namedInclude: String
    package var namedConfLocal: String
    package var nginxSites: String
    /// `{version}` stands for the PHP version.
    package var phpFpmPools: String
    package var archive: String

    package init(_ paths: ServerSpec.Paths = ServerSpec.Paths()) {
        state = "/var/lib/baton"
        zones = paths.zones ?? "/var/lib/baton/zones"
        namedConfLocal = paths.namedConf ?? "/etc/bind/named.conf.local"
        namedInclude = "/etc/bind/named.conf.baton"
        nginxSites = paths.nginxSites ?? "/etc/nginx/sites-enabled"
        phpFpmPools = paths.phpFpmPools ?? "/etc/php/{version}/fpm/pool.d"
        archive = paths.archive ?? "/var/lib/baton/archive"
    }

    package func pools(version: String) -> String { phpFpmPools.replacing("{version}", with: version) }
}
