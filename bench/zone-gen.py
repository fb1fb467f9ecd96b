#!/usr/bin/env python3
"""Write the zones and the repository of the zone-scale benchmark (bench/zone-scale.sh).

    bench/zone-gen.py zone N OWNERS      a zone file of N A records spread over OWNERS owners (stdout)
    bench/zone-gen.py repo N OWNERS DIR  a Baton repository whose one Domain holds the same records

Addresses are all distinct (10.0.0.0/8), so that no record merges with another; owners are h0...h<OWNERS-1>.
"""
import os
import sys

HEAD = "$TTL 300\n@ SOA ns1 hostmaster 1 3600 900 604800 300\n@ NS ns1\nns1 A 192.0.2.1\n"
HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFNS/Dav2vGNFaDygsvWvTvJ1qGiZJrJxlSVH7qM7je5"


def records(n, owners):
    per = n // owners
    for o in range(owners):
        for i in range(per):
            k = o * per + i
            yield "h%d" % o, "10.%d.%d.%d" % ((k >> 16) & 255, (k >> 8) & 255, k & 255)


def main(argv):
    kind, n, owners = argv[1], int(argv[2]), int(argv[3])
    if kind == "zone":
        out = sys.stdout
        out.write(HEAD)
        for owner, address in records(n, owners):
            out.write("%s A %s\n" % (owner, address))
        return
    root = argv[4]
    os.makedirs(os.path.join(root, "accounts", "acme"), exist_ok=True)
    os.makedirs(os.path.join(root, "servers"), exist_ok=True)
    with open(os.path.join(root, "servers", "ns1.yaml"), "w") as f:
        f.write("apiVersion: baton/v1\nkind: Server\nmetadata: {name: ns1}\nspec:\n  address: 10.213.0.12\n"
                "  hostname: ns1.bench.example\n  hostKey: %s\n  roles: [dns-primary]\n" % HOST_KEY)
    with open(os.path.join(root, "accounts", "acme", "account.yaml"), "w") as f:
        f.write("apiVersion: baton/v1\nkind: Account\nmetadata: {name: acme}\n"
                "spec: {contact: ops@acme.example, placement: {dns: [ns1]}}\n")
    with open(os.path.join(root, "accounts", "acme", "big.yaml"), "w") as f:
        f.write("apiVersion: baton/v1\nkind: Domain\nmetadata: {name: big.example}\nspec:\n  account: acme\n"
                "  records:\n")
        for owner, address in records(n, owners):
            f.write("    - {name: %s, type: A, value: %s}\n" % (owner, address))


if __name__ == "__main__":
    main(sys.argv)
