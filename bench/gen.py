#!/usr/bin/env python3
"""Generate a synthetic Baton repository for the validate benchmark.

    bench/gen.py N OUTDIR [--seed S]

Layout (see docs/manifests.md for the fields):

  servers/web1..web4.yaml   role web, 10.213.0.11-14, webN.bench.example
  servers/ns1.yaml          dns-primary,   10.213.0.21, ns1.bench.example
  servers/ns2.yaml          dns-secondary, 10.213.0.22, ns2.bench.example
  accounts/a<i>/            for i in 1..N, five files:
    account.yaml            Account a<i>, placement web<(i%4)+1> + [ns1, ns2], limits 5/5/5
    users.yaml              SystemUser a<i> (main), a<i>-dev, a<i>-ci
    domains.yaml            Domain a<i>.example, a<i>-shop.example (10 records each)
    webapps.yaml            WebApp a<i>-site (static), a<i>-shop (php)
    monitors.yaml           MonitoredSite a<i>-site (https://a<i>.example/)

Every manifest is meant to be valid: the whole repository must pass
`baton validate` with exit code 0.  Web app and monitor names carry the
account prefix because `kind` + `metadata.name` is unique across the
repository.  Addresses come from the documentation ranges only
(192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, and the
test-host net 10.213.0.0/24 for the servers).

Output is a pure function of (N, seed): one random.Random(seed) stream
consumed in a fixed order.  Plain string formatting, no YAML library.
About 2.8 KB per account: ~28 MB in 50,006 files at N=10,000.
In-zone MX and SRV targets have A records and no CNAME owner has other
records, so the zones also pass named-checkzone's integrity checks.
"""
import argparse
import os
import random
import sys

# Generated once with `ssh-keygen -t ed25519` (private halves discarded).
HOST_KEYS = {
    "web1": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIARvEqYM/ogVV0IV1dip2xKLdzGt3Z1lleLzmY7RajzC",
    "web2": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINCi3QuFInUhz6+zn9tp2StW1JYQuUZNG8zaNqY9G/TO",
    "web3": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOKGGFe9fG/DYYKw2JaeQxXpI5fEkw8Rt8pZvZykDsyS",
    "web4": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKqP1sAvFAtDGLMGSjr0o8JHLzAxVWHBavR35z5nfJ09",
    "ns1": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP0y56IWqvSA8xJUAhB9gjrkQBCepTd5n8r15oTA30Ds",
    "ns2": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJn7v4xZrIgUg2EdyfgV/AT23dq5S8T5PXuBBx2xScwj",
}
USER_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKiUFPqCgF9ZnpYYdoI1qgz0fSrLewXskHsBaQT7gNPY"

SERVERS = [
    # name, address, roles
    ("web1", "10.213.0.11", "[web]"),
    ("web2", "10.213.0.12", "[web]"),
    ("web3", "10.213.0.13", "[web]"),
    ("web4", "10.213.0.14", "[web]"),
    ("ns1", "10.213.0.21", "[dns-primary]"),
    ("ns2", "10.213.0.22", "[dns-secondary]"),
]

TIERS = ("bronze", "silver", "gold")
REGIONS = ("eu-west", "eu-central", "us-east")
FIRST = ("alice", "bruno", "chloe", "dmitri", "emma", "farid", "grace", "hugo",
         "ines", "jonas", "kira", "lukas", "maya", "nils", "olga", "pavel")
TTLS = ("5m", "15m", "1h")
MEMORY = "256M"

SERVER_T = """\
# {name}: {what} in the bench test-host network.
apiVersion: baton/v1
kind: Server
metadata:
  name: {name}
  labels: {{site: bench, rack: r{rack}}}
spec:
  address: {address}
  hostname: {name}.bench.example
  port: 22
  user: root
  hostKey: {key}
  roles: {roles}
"""

ACCOUNT_T = """\
# Customer {a} ({tier} plan), ticket OPS-{ticket}.
apiVersion: baton/v1
kind: Account
metadata:
  name: {a}
  labels: {{tier: {tier}, region: {region}}}
spec:
  contact: {first}@{a}.example
  placement:
    web: web{web}
    dns: [ns1, ns2]    # primary first
  limits:
    domains: 5
    webApps: 5
    systemUsers: 5
"""

USERS_T = """\
apiVersion: baton/v1
kind: SystemUser
metadata:
  name: {a}
spec:
  account: {a}
  main: true
  home: /home/{a}
  shell: /bin/bash
  authorizedKeys:
    - {key} {first}@{a}
---
apiVersion: baton/v1
kind: SystemUser
metadata:
  name: {a}-dev
spec:
  account: {a}
  home: /home/{a}/dev
  shell: /bin/bash
---
apiVersion: baton/v1
kind: SystemUser
metadata:
  name: {a}-ci
spec:
  account: {a}
  home: /home/{a}/ci
  shell: /bin/sh
"""

DOMAIN_T = """\
# {what}; NS come from the account's DNS placement.
apiVersion: baton/v1
kind: Domain
metadata:
  name: {zone}
spec:
  account: {a}
  records:
    - {{name: "@", type: A, ttl: {ttl}, value: {v4apex}}}
    - {{name: "@", type: AAAA, value: "{v6apex}"}}
    - {{name: www, type: A, value: {v4apex}}}
    - {{name: {cname}, type: CNAME, value: www}}
    - {{name: "@", type: MX, value: "10 mail"}}
    - {{name: mail, type: A, value: {v4mail}}}
    - {{name: "@", type: TXT, value: "v=spf1 mx -all"}}
    - {{name: _dmarc, type: TXT, value: "v=DMARC1; p=quarantine; rua=mailto:dmarc@{zone}"}}
    - {{name: _sip._tcp, type: SRV, value: "10 5 5060 mail"}}
    - {{name: "@", type: CAA, value: '0 issue "letsencrypt.org"'}}
"""

WEBAPPS_T = """\
apiVersion: baton/v1
kind: WebApp
metadata:
  name: {a}-site
spec:
  account: {a}
  type: static
  domains: [{a}.example, www.{a}.example]
---
apiVersion: baton/v1
kind: WebApp
metadata:
  name: {a}-shop
spec:
  account: {a}
  type: php
  php:
    processes: {procs}
    ini: {{memory_limit: {mem}}}
  domains: [{a}-shop.example]
"""

MONITOR_T = """\
apiVersion: baton/v1
kind: MonitoredSite
metadata:
  name: {a}-site
spec:
  account: {a}
  url: https://{a}.example/
  interval: 60s
  expect:
    status: [200]
  alerts:
    - webhook: https://hooks.bench.example/{a}
      sendOnResolved: true
"""

NETS = ("192.0.2", "198.51.100", "203.0.113")


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of accounts")
    ap.add_argument("outdir", help="repository root to create (must not exist or be empty)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = ap.parse_args(argv)
    if args.n < 0:
        ap.error("N must be >= 0")

    out = args.outdir
    if os.path.isdir(out) and os.listdir(out):
        ap.error(f"{out} exists and is not empty")
    os.makedirs(os.path.join(out, "servers"), exist_ok=True)
    os.makedirs(os.path.join(out, "accounts"), exist_ok=True)

    for k, (name, address, roles) in enumerate(SERVERS):
        what = "DNS server" if name.startswith("ns") else "web server"
        write(os.path.join(out, "servers", name + ".yaml"),
              SERVER_T.format(name=name, what=what, rack=k // 2 + 1, address=address,
                              key=HOST_KEYS[name], roles=roles))

    rnd = random.Random(args.seed)
    r_int = rnd.randrange
    acc_root = os.path.join(out, "accounts")
    join = os.path.join
    for i in range(1, args.n + 1):
        a = f"a{i}"
        d = join(acc_root, a)
        os.mkdir(d)
        first = FIRST[r_int(len(FIRST))]
        tier = TIERS[r_int(3)]
        write(join(d, "account.yaml"), ACCOUNT_T.format(
            a=a, first=first, tier=tier, region=REGIONS[r_int(3)],
            ticket=r_int(10000, 99999), web=(i % 4) + 1))
        write(join(d, "users.yaml"), USERS_T.format(a=a, first=first, key=USER_KEY))
        hi, lo = divmod(i, 256)
        zones = []
        for z, (zone, what, cname) in enumerate((
                (f"{a}.example", "brochure site and mail", "shop"),
                (f"{a}-shop.example", "web shop", "store"))):
            net = NETS[(i + z) % 3]
            zones.append(DOMAIN_T.format(
                a=a, zone=zone, what=what, cname=cname,
                ttl=TTLS[r_int(3)],
                v4apex=f"{net}.{r_int(1, 255)}",
                v6apex=f"2001:db8:{hi:x}:{lo:x}{z:02x}::{r_int(1, 0xffff):x}",
                v4mail=f"{NETS[(i + z + 1) % 3]}.{r_int(1, 255)}"))
        write(join(d, "domains.yaml"), "---\n".join(zones))
        write(join(d, "webapps.yaml"), WEBAPPS_T.format(
            a=a, procs=(2, 4, 8)[TIERS.index(tier)], mem=MEMORY))
        write(join(d, "monitors.yaml"), MONITOR_T.format(a=a))
    return 0


if __name__ == "__main__":
    sys.exit(main())
