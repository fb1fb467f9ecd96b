#!/usr/bin/env python3
"""bench/monitor-gen.py N OUT PORTS FLAKY_PORT [FLAKY]

Writes a repository with one account and N MonitoredSites checking http://127.0.0.1:PORT/site-I (spread over
PORTS, a comma-separated list), 60 s interval, plus FLAKY (default 10) sites on FLAKY_PORT, whose server the
benchmark stops after the first round: their state flips to down, which must commit at once.
"""
import os
import sys

n, out, ports, flaky_port = int(sys.argv[1]), sys.argv[2], sys.argv[3].split(","), sys.argv[4]
flaky = int(sys.argv[5]) if len(sys.argv) > 5 else 10
os.makedirs(os.path.join(out, "accounts", "bench"), exist_ok=True)
with open(os.path.join(out, "accounts", "bench", "account.yaml"), "w") as f:
    f.write("apiVersion: baton/v1\nkind: Account\nmetadata:\n  name: bench\nspec:\n  contact: ops@bench.example\n")


def site(name, port, path):
    return (
        "apiVersion: baton/v1\nkind: MonitoredSite\nmetadata:\n  name: %s\nspec:\n  account: bench\n"
        "  url: http://127.0.0.1:%s/%s\n  interval: 60s\n  timeout: 10s\n  allowPrivate: true\n"
        "  expect:\n    bodyContains: ok\n  conditions:\n    - \"[STATUS] == 200\"\n"
        "    - \"[RESPONSE_TIME] < 2s\"\n" % (name, port, path)
    )


docs = [site("s%d" % i, ports[i % len(ports)], "site-%d" % i) for i in range(n)]
docs += [site("flaky%d" % i, flaky_port, "flaky-%d" % i) for i in range(flaky)]
with open(os.path.join(out, "accounts", "bench", "monitors.yaml"), "w") as f:
    f.write("---\n".join(docs))
