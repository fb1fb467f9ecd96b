/// The checks a zone is held to, named as `named-checkzone`'s flags so both checkers read the same settings.
package struct ZoneCheckOptions: Sendable, Hashable {
    package enum Mode: String, Sendable, Hashable, CaseIterable {
        case fail, warn, ignore
    }

    /// `-i`: which integrity checks run after loading. `local` checks only data inside the zone.
    package enum Integrity: String, Sendable, Hashable, CaseIterable {
        case full, fullSibling = "full-sibling", local, localSibling = "local-sibling", none
    }

    /// `-k`: host names (owners of A/AAAA/MX..., MX/NS/SRV targets) follow RFC 952/1123.
    package var checkNames: Mode = .warn
    /// `-m`: an MX target that is an address.
    package var mxAddress: Mode = .warn
    /// `-M`: an MX target that is a CNAME.
    package var mxCNAME: Mode = .warn
    /// `-n`: an NS target that is an address.
    package var nsAddress: Mode = .warn
    /// `-r`: records that are the same after conversion to wire form.
    package var duplicateRecords: Mode = .warn
    /// `-S`: an SRV target that is a CNAME.
    package var srvCNAME: Mode = .warn
    /// `-T`: SPF published only as type SPF, not TXT.
    package var spf: Mode = .warn
    /// `-W`: non-terminal wildcards (`warn` or `ignore`).
    package var wildcard: Mode = .warn
    /// `-i`
    package var integrity: Integrity = .full
    /// `-l`: the largest TTL the zone may hold.
    package var maxTTL: UInt32?

    package init() {}

    /// What `baton validate` uses: named-checkzone's strict set (`-i local -k fail -n fail -m fail -M fail -S fail`).
    package static var strict: ZoneCheckOptions {
        var o = ZoneCheckOptions()
        o.integrity = .local
        o.checkNames = .fail
        o.nsAddress = .fail
        o.mxAddress = .fail
        o.mxCNAME = .fail
        o.srvCNAME = .fail
        return o
    }

    /// Only what loading itself requires: every optional check off. For reading a zone, not judging it.
    package static var loadOnly: ZoneCheckOptions {
        var o = ZoneCheckOptions()
        o.integrity = .none
        for mode in [
            \ZoneCheckOptions.checkNames, \.mxAddress, \.mxCNAME, \.nsAddress, \.duplicateRecords, \.srvCNAME, \.spf,
            \.wildcard,
        ] {
            o[keyPath: mode] = .ignore
        }
        return o
    }

    /// `named-checkzone -i local` with its other defaults: what `baton check-zone` checks without `--strict`.
    package static var standard: ZoneCheckOptions {
        var o = ZoneCheckOptions()
        o.integrity = .local
        return o
    }

    /// Reads named-checkzone flags (`-i local -k fail -l 300`); flags that change no check are skipped.
    package init(flags: String) {
        self.init()
        let words = flags.split(separator: " ").map(String.init)
        var i = 0
        while i < words.count {
            let flag = words[i]
            let value = i + 1 < words.count ? words[i + 1] : ""
            var consumed = true
            switch flag {
            case "-k": checkNames = Mode(rawValue: value) ?? checkNames
            case "-m": mxAddress = Mode(rawValue: value) ?? mxAddress
            case "-M": mxCNAME = Mode(rawValue: value) ?? mxCNAME
            case "-n": nsAddress = Mode(rawValue: value) ?? nsAddress
            case "-r": duplicateRecords = Mode(rawValue: value) ?? duplicateRecords
            case "-S": srvCNAME = Mode(rawValue: value) ?? srvCNAME
            case "-T": spf = Mode(rawValue: value) ?? spf
            case "-W": wildcard = Mode(rawValue: value) ?? wildcard
            case "-i": integrity = Integrity(rawValue: value) ?? integrity
            case "-l": maxTTL = UInt32(value)
            case "-f", "-F", "-o", "-s", "-t", "-w", "-c", "-j", "-J", "-L": break
            default: consumed = false
            }
            i += consumed ? 2 : 1
        }
    }

    /// The same settings as `named-checkzone` arguments.
    package var namedCheckzoneArguments: [String] {
        var args = ["-i", integrity.rawValue]
        for (flag, mode) in [
            ("-k", checkNames), ("-m", mxAddress), ("-M", mxCNAME), ("-n", nsAddress), ("-r", duplicateRecords),
            ("-S", srvCNAME), ("-T", spf), ("-W", wildcard),
        ] {
            args += [flag, mode.rawValue]
        }
        if let maxTTL { args += ["-l", String(maxTTL)] }
        return args
    }
}
