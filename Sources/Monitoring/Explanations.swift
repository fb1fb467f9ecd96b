/// The words for each failure class: an explanation that names the facts of this check (the host, the
/// address, the port, the status) and a hint that says what to look at first. Written for the person who
/// owns the site, not for the person who wrote the checker.
enum Explain {
    static func dnsNoSuchName(_ host: String) -> Failure {
        Failure(
            .dnsUnresolvable,
            explanation: "The name \(host) does not exist in DNS (NXDOMAIN): no address to connect to.",
            hint:
                "Check the spelling of the URL's host. If the domain or record is new, DNS may take up to its TTL "
                + "(often an hour, up to two days for a new domain) to be seen everywhere; if the domain was "
                + "registered a while ago, check that it has not expired and that its name servers hold the record.")
    }

    static func dnsNoAnswer(_ host: String, detail: String) -> Failure {
        Failure(
            .dnsUnresolvable,
            explanation:
                "The name \(host) could not be resolved: no DNS server gave an answer (SERVFAIL or no reply).",
            hint:
                "The domain's name servers may be down, or its DNSSEC signatures broken; `dig \(host)` from another "
                + "network tells whether it is the monitor's resolver or the domain. A temporary failure fixes itself.",
            detail: detail)
    }

    static func dnsNoAddress(_ host: String) -> Failure {
        Failure(
            .dnsUnresolvable,
            explanation: "The name \(host) exists but has no address record (A or AAAA).",
            hint: "Add an A (IPv4) or AAAA (IPv6) record for \(host), or a CNAME to a name that has one.")
    }

    static func refusedPrivate(_ host: String, address: String, why: String, redirected: Bool) -> Failure {
        Failure(
            .refusedPrivate,
            explanation: (redirected ? "A redirect led to \(host), which" : "The name \(host)")
                + " resolves to \(address), \(why). Baton does not check such addresses unless the site allows it, "
                + "so that a manifest cannot make the monitor probe its own network.",
            hint:
                "If the site really lives on a private network, set `allowPrivate: true` on it. If it should be "
                + "public, its DNS record points to the wrong address.")
    }

    static func hostUnreachable(_ address: String, port: Int, detail: String) -> Failure {
        Failure(
            .hostUnreachable,
            explanation: "No route to \(address): the network says the host cannot be reached (port \(port)).",
            hint:
                "The server may be down, or a router or firewall drops the way to it. Check that the address in "
                + "DNS is the server's current one and that the server is up.",
            detail: detail)
    }

    static func tcpRefused(_ address: String, port: Int) -> Failure {
        Failure(
            .tcpRefused,
            explanation:
                "\(address) refused the connection on port \(port): the host is up, but nothing listens there.",
            hint:
                "Start the web server (nginx) or check that it listens on port \(port) "
                + "(`ss -ltnp | grep :\(port)`); a firewall that rejects rather than drops also shows this.")
    }

    static func tcpTimeout(_ address: String, port: Int, seconds: Double) -> Failure {
        Failure(
            .tcpTimeout,
            explanation:
                "\(address) did not answer a connection to port \(port) within \(format(seconds)): the packets "
                + "are dropped on the way, or the host is down.",
            hint:
                "A firewall that drops traffic (on the server, at the hosting provider, or a security group) is the "
                + "usual cause; check it lets port \(port) in from the monitor. Check also that the host is up.")
    }

    static func connectionReset(_ address: String, port: Int, during: String) -> Failure {
        Failure(
            .connectionReset,
            explanation: "\(address):\(port) reset the connection \(during).",
            hint:
                "The server process may have crashed or been restarted, or a firewall, load balancer or "
                + "anti-abuse filter cut the connection; the server's error log around this time tells which.")
    }

    static func connectionClosed(_ address: String, port: Int, during: String) -> Failure {
        Failure(
            .connectionClosed,
            explanation: "\(address):\(port) closed the connection \(during) without sending a response.",
            hint:
                "The web server accepted the connection and gave up on it: look in its error log (an upstream "
                + "application crash, a worker limit, or a filter that blocks the monitor's user agent).")
    }

    static func responseTimeout(_ address: String, port: Int, seconds: Double) -> Failure {
        Failure(
            .responseTimeout,
            explanation:
                "\(address):\(port) accepted the connection but sent no complete response within "
                + "\(format(seconds)).",
            hint:
                "The application behind the web server is stuck or overloaded (PHP workers all busy, a slow "
                + "database query, a lock); its slow log and the server's load show which. Raise `timeout` only if "
                + "the page is slow by design.")
    }

    static func tlsHandshake(_ host: String, detail: String) -> Failure {
        Failure(
            .tlsHandshake,
            explanation:
                "The TLS handshake with \(host) failed before a certificate could be checked: the two sides could "
                + "not agree on a protocol or cipher, or the server is not speaking TLS on this port.",
            hint:
                "Check that the port serves HTTPS (not plain HTTP) and that the server allows TLS 1.2 or 1.3; "
                + "`openssl s_client -connect \(host):443 -servername \(host)` shows the server's side.",
            detail: detail)
    }

    static func tlsUntrusted(_ host: String, issuer: String, detail: String) -> Failure {
        Failure(
            .tlsUntrusted,
            explanation:
                "The certificate of \(host) was issued by \(issuer), which no trusted authority vouches for "
                + "(self-signed, a private CA, or an incomplete chain).",
            hint:
                "Install a certificate from a public authority (Let's Encrypt), and serve the full chain: "
                + "in nginx `ssl_certificate` must point to the fullchain file, not the certificate alone.",
            detail: detail)
    }

    static func tlsExpired(_ host: String, notAfter: String, days: Int) -> Failure {
        Failure(
            .tlsExpired,
            explanation:
                "The certificate of \(host) expired on \(notAfter) (\(days) day\(days == 1 ? "" : "s") ago); "
                + "browsers refuse the site.",
            hint:
                "Renew it (`certbot renew`), then reload the web server; if renewal ran, the server still serves "
                + "the old file: check the path in its configuration and that it was reloaded.")
    }

    static func tlsNotYetValid(_ host: String, notBefore: String) -> Failure {
        Failure(
            .tlsNotYetValid,
            explanation: "The certificate of \(host) is valid only from \(notBefore), later than now.",
            hint:
                "Either the certificate was made with a wrong start date, or a clock is wrong: compare the "
                + "server's and the monitor's time (`timedatectl`); both should use NTP.")
    }

    static func tlsNameMismatch(_ host: String, names: [String]) -> Failure {
        Failure(
            .tlsNameMismatch,
            explanation:
                "The certificate the server presented is for "
                + (names.isEmpty ? "no DNS name" : names.prefix(5).joined(separator: ", "))
                + ", not for \(host).",
            hint:
                "The server answered with another site's certificate: the server block for \(host) is missing or "
                + "has no TLS, or the certificate lacks \(host) (add it to the certificate's names and renew).")
    }

    static func badResponse(_ address: String, detail: String) -> Failure {
        Failure(
            .badResponse,
            explanation: "\(address) answered with something that is not valid HTTP.",
            hint:
                "Another service may listen on this port (SSH, a database), or plain HTTP is spoken on an HTTPS "
                + "port or the reverse: check the URL's scheme and port.",
            detail: detail)
    }

    static func httpStatus(_ status: Int, reason: String, expected: String) -> Failure {
        let hint: String
        switch status {
        case 403:
            hint =
                "403 is a refusal: file permissions, an `allow/deny` rule, or a firewall or bot filter that blocks "
                + "the monitor's user agent or address."
        case 404:
            hint = "The path does not exist on this server: check the URL's path and the web app's document root."
        case 500...599 where status == 502 || status == 504:
            hint =
                "The web server could not reach the application behind it (PHP-FPM or an upstream): check that it "
                + "runs and that its socket or port matches the web server's configuration."
        case 500...599:
            hint =
                "The application failed: its error log (PHP's, the web server's) names the cause. 503 is also "
                + "what a site in maintenance mode answers."
        case 300...399:
            hint = "The page redirects where a final answer was expected: check the URL, or add 3xx to expect.status."
        default:
            hint = "Check the URL, or widen expect.status if \(status) is a correct answer for this page."
        }
        return Failure(
            .httpStatus,
            explanation:
                "The server answered HTTP \(status)\(reason.isEmpty ? "" : " \(reason)"); expected \(expected).",
            hint: hint)
    }

    static func httpAuthRequired(_ status: Int) -> Failure {
        Failure(
            .httpAuthRequired,
            explanation: "The server answered HTTP \(status): the page asks for a login.",
            hint:
                "Monitor a page that needs no login (a health endpoint), or lift the password protection "
                + "(basic auth, a maintenance plugin) for that path. Baton never sends credentials.")
    }

    static func redirectLoop(_ chain: [String], loop: Bool) -> Failure {
        Failure(
            .redirectLoop,
            explanation:
                loop
                ? "The redirects go round in a circle: " + chain.joined(separator: " → ") + "."
                : "More than \(chain.count - 1) redirects in a row: " + chain.prefix(4).joined(separator: " → ")
                    + " → …",
            hint:
                "Two rules send the visitor back and forth (http↔https, www↔bare domain, a CMS's own site URL "
                + "against the web server's): check the web server's redirects and the application's base URL.")
    }

    static func badRedirect(_ location: String) -> Failure {
        Failure(
            .badResponse,
            explanation: "The server redirected to '\(location)', which is not an http or https URL.",
            hint: "Fix the Location the server sends, or monitor the final URL directly.")
    }

    static func bodyMismatch(_ expected: String, status: Int, bytes: Int, cut: Bool = false) -> Failure {
        if cut {
            // A longer page may hold the text further on: say what was read rather than that it is not there.
            return Failure(
                .bodyMismatch,
                explanation:
                    "The first \(bytes) bytes of the page (HTTP \(status)) do not contain \"\(expected)\"; the page is "
                    + "longer, and the monitor reads no more of it.",
                hint:
                    "Choose text that appears near the top of the page, or monitor a smaller page of the site (a "
                    + "health URL) whose body holds it.")
        }
        return Failure(
            .bodyMismatch,
            explanation:
                "The page (HTTP \(status), \(bytes) bytes) does not contain \"\(expected)\".",
            hint:
                "The site may show an error or maintenance page with status 200, or the text changed: open the "
                + "URL in a browser, and update bodyContains if the page was redesigned.")
    }

    static func slowResponse(_ milliseconds: Int64, limit: Int64) -> Failure {
        Failure(
            .slowResponse,
            explanation: "The check took \(milliseconds) ms, over the limit of \(limit) ms.",
            hint:
                "The steps below show where the time went: DNS, connect (network distance), TLS, or the server's "
                + "answer (the application: caching, slow queries, too few PHP workers).")
    }

    static func conditionFailed(_ failed: [(condition: String, actual: String)]) -> Failure {
        Failure(
            .conditionFailed,
            explanation:
                "Condition" + (failed.count == 1 ? " " : "s ")
                + failed.map { "'\($0.condition)' does not hold (the value is \($0.actual))" }.joined(separator: "; ")
                + ".",
            hint: "The site answered, but not as its conditions ask: compare the value with the condition.")
    }

    static func format(_ seconds: Double) -> String {
        seconds < 10 ? "\((seconds * 10).rounded() / 10) s" : "\(Int(seconds.rounded())) s"
    }
}
