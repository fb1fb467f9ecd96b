import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Why a name has no address.
package enum ResolutionFailure: Error, Sendable, Hashable {
    /// The name does not exist (NXDOMAIN).
    case noSuchName
    /// The name exists without an A or AAAA record.
    case noAddress
    /// No server answered, or answered SERVFAIL.
    case noAnswer(String)

    /// The DNS response code `[DNS_RCODE]` compares with.
    package var rcode: String {
        switch self {
        case .noSuchName: "NXDOMAIN"
        case .noAddress: "NOERROR"
        case .noAnswer: "SERVFAIL"
        }
    }
}

/// Turns a host name into addresses. Asynchronous: a resolver must never block the cooperative pool.
package protocol NameResolver: Sendable {
    func resolve(_ host: String) async -> Result<[IPAddress], ResolutionFailure>
}

/// The system's resolver (`getaddrinfo`: /etc/hosts, then DNS as nsswitch.conf says), run on NIO's thread pool
/// because getaddrinfo blocks.
package struct SystemResolver: NameResolver {
    let pool: NIOThreadPool

    package init(pool: NIOThreadPool = .singleton) {
        self.pool = pool
    }

    package func resolve(_ host: String) async -> Result<[IPAddress], ResolutionFailure> {
        do {
            return try await pool.runIfActive { Self.lookUp(host) }
        } catch {
            return .failure(.noAnswer("\(error)"))
        }
    }

    /// glibc's EAI_NODATA (a GNU extension the Swift overlay does not export): the name has no address.
    static let eaiNoData: Int32 = -5

    static func lookUp(_ host: String) -> Result<[IPAddress], ResolutionFailure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        defer { if let list { freeaddrinfo(list) } }
        guard status == 0 else {
            switch status {
            case EAI_NONAME: return .failure(.noSuchName)
            case Self.eaiNoData: return .failure(.noAddress)
            default: return .failure(.noAnswer(String(cString: gai_strerror(status))))
            }
        }
        var addresses: [IPAddress] = []
        var cursor = list
        while let entry = cursor?.pointee {
            if let sockaddr = entry.ai_addr {
                if entry.ai_family == AF_INET {
                    var a = sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    if let ip = IPAddress(bytes: withUnsafeBytes(of: &a) { Array($0) }) { addresses.append(ip) }
                } else if entry.ai_family == AF_INET6 {
                    var a = sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    if let ip = IPAddress(bytes: withUnsafeBytes(of: &a) { Array($0) }) { addresses.append(ip) }
                }
            }
            cursor = entry.ai_next
        }
        var seen = Set<IPAddress>()
        addresses = addresses.filter { seen.insert($0).inserted }
        return addresses.isEmpty ? .failure(.noAddress) : .success(addresses)
    }
}

/// A resolver that answers from a hosts-format file (`ADDRESS NAME...` per line, `#` comments): names it does
/// not list do not exist. For tests and for sealed setups where the monitor must not ask any DNS server.
package struct FileResolver: NameResolver {
    package let table: [String: [IPAddress]]

    package init(hostsFile text: String) {
        var table: [String: [IPAddress]] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.prefix { $0 != "#" }.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count >= 2, let address = IPAddress(fields[0]) else { continue }
            for name in fields.dropFirst() { table[name.lowercased(), default: []].append(address) }
        }
        self.table = table
    }

    package func resolve(_ host: String) async -> Result<[IPAddress], ResolutionFailure> {
        guard let addresses = table[host.lowercased()] else { return .failure(.noSuchName) }
        return .success(addresses)
    }
}
