"""plant-errors.py REPO: plants errors of many rules into a copy of `gen.py 300`, each in an account of its own.

    python3 bench/gen.py 300 /tmp/repo-300p --seed 1 && python3 bench/plant-errors.py /tmp/repo-300p

Used to hold two builds of `baton validate` to the same output, byte for byte, with errors of every kind.
"""
import os
import re
import sys

R = sys.argv[1]
def path(a, f): return os.path.join(R, "accounts", a, f)
def sub(a, f, old, new, count=1):
    p = path(a, f); s = open(p, encoding="utf-8").read()
    assert old in s, (a, f, old)
    s = s.replace(old, new, count); open(p, "w", encoding="utf-8").write(s)
def append(a, f, text):
    with open(path(a, f), "a", encoding="utf-8") as fh: fh.write(text)
K = "\u212a"
# schema
sub("a1", "account.yaml", "  placement:", "  colour: blue\n  placement:")            # schema.unknown-key
sub("a2", "account.yaml", "  contact: ", "  contacts: ")                              # required + unknown w/ suggestion
sub("a3", "account.yaml", "    domains: 5", "    domains: [5]")                        # schema.type
sub("a4", "account.yaml", "    webApps: 5", "    webApps: 5000000")                    # schema.range
sub("a5", "webapps.yaml", "type: static", "type: statik")                             # schema.enum
sub("a6", "domains.yaml", "ttl: 5m", "ttl: 5x") if "ttl: 5m" in open(path("a6","domains.yaml")).read() else sub("a6", "domains.yaml", "ttl: ", "ttl: 9q")
sub("a7", "users.yaml", "  shell: /bin/bash\n  authorizedKeys:", "  shell: /bin/bash\n  shell: /bin/sh\n  authorizedKeys:")  # yaml.duplicate-key
sub("a8", "monitors.yaml", "  interval: 60s", "  interval: *nope")                     # yaml.alias
sub("a9", "webapps.yaml", "  domains: [a9.example", "  domains: [a9.example, [")        # yaml.syntax
sub("a10", "users.yaml", "  main: true", "  main: true\n  password: hunter2")          # secret.plaintext-password
sub("a11", "account.yaml", "apiVersion: baton/v1", "apiVersion: baton/v2")              # schema.api-version
sub("a12", "monitors.yaml", "kind: MonitoredSite", "kind: MonitoredSight")              # schema.enum kind
# records
s = open(path("a13","domains.yaml")).read(); m = re.search(r"type: A, ttl: \w+, value: (\S+)\}", s)
sub("a13", "domains.yaml", m.group(0), m.group(0).replace("value: ", "value: 9"))       # record.a + zone
s = open(path("a14","domains.yaml")).read(); m = re.search(r'type: AAAA, value: "([^"]+)"', s)
sub("a14", "domains.yaml", m.group(1), m.group(1) + ":zz")                              # record.aaaa
sub("a15", "domains.yaml", '"10 mail"', '"mail"')                                       # record.mx
sub("a16", "domains.yaml", '"v=spf1 mx -all"', '"v=spf1 \\u0001 mx -all"')             # record.txt control
sub("a17", "domains.yaml", "    - {name: www, type: A,", "    - {name: shop, type: A, value: 192.0.2.7}\n    - {name: www, type: A,")  # cname conflict
sub("a18", "domains.yaml", '\'0 issue "letsencrypt.org"\'', '\'0 isue "letsencrypt.org"\'')  # caa
sub("a19", "domains.yaml", '"10 5 5060 mail"', '"10 5 99999 mail"')                   # srv
sub("a20", "domains.yaml", "value: www}", "value: 192.0.2.1}")                          # cname ip
# references, tenancy, limits, names
sub("a21", "account.yaml", "    web: web", "    web: nope")                             # placement reference
sub("a22", "account.yaml", "    domains: 5", "    domains: 1")                          # limits
sub("a23", "webapps.yaml", "[a23-shop.example]", "[a24-shop.example]")                  # web app domain not owned
sub("a25", "monitors.yaml", "url: https://a25.example/", "url: htps//a25 example")       # monitor url
sub("a26", "users.yaml", "AAAAC3NzaC1lZDI1NTE5AAAAIKiUFPqCgF9Zn", "AAAAC3NzaC1lZDI1NTE5AAAAIKiUFPqCgF9Z!", 1)  # ssh key
sub("a27", "users.yaml", "  name: a27-ci", "  name: a27-dev")                           # resource.duplicate
sub("a28", "webapps.yaml", "  account: a28", "  account: a29", 1)                       # tenancy
sub("a29", "account.yaml", "  limits:", "  maintenance:\n    - {schedule: \"0 25 * * *\", duration: 2h}\n  limits:")  # cron
sub("a30", "account.yaml", "    systemUsers: 5", "    systemUsers: 5\n    diskQuota: 5Q")  # schema.size
sub("a31", "monitors.yaml", "  alerts:", "  conditions:\n    - [STATUS] == 200\n    - \"[BODY] ==\"\n  alerts:")  # monitor.condition
sub("a32", "monitors.yaml", "status: [200]", "status: [700, \"200-199\", x]")         # schema.status
sub("a33", "users.yaml", "  name: a33\n", "  nam\u00e9: a33\n")                         # non-ASCII key
append("a34", "account.yaml", "---\n- just\n- a list\n")                                # not a mapping
sub("a35", "users.yaml", "  home: /home/a35/dev", "  home: ~")                          # null value
sub("a36", "account.yaml", "  labels: {tier:", "  labels: {list: [1], tier:")          # label type
sub("a37", "domains.yaml", "    - {name: mail, type: A,", "    - {name: mail, comment: x, type: A,")  # record unknown key
sub("a38", "domains.yaml", '"v=spf1 mx -all"', '["v=spf1", " mx -all"]')               # TXT list (valid)
sub("a40", "account.yaml", "  limits:", "  limits: &l")                              # an anchor on a mapping
sub("a41", "users.yaml", "  authorizedKeys:", "  authorized" + K + "eys:")  # Kelvin-sign K
sub("a42", "account.yaml", "metadata:\n  name: a42", "base: &b {web: web1}\nmetadata:\n  name: a42")  # unknown top key with anchor
sub("a43", "account.yaml", "  placement:\n", "  placement:\n    <<: {web: web2}\n")    # merge key; explicit wins
sub("a44", "users.yaml", "  shell: /bin/sh", "  shell: /bin/sh # comment\u2028x: 1")    # invisible line break
sub("a45", "webapps.yaml", "    processes: ", "    processes: 0")                      # php processes range
sub("a46", "domains.yaml", "    - {name: _sip._tcp, type: SRV,", "    - {name: _sip._tcp, type: SRV, ttl: \"1h\",")  # quoted ttl
sub("a47", "domains.yaml", "type: MX", "type: mx")                                      # enum case
sub("a48", "account.yaml", "  contact: ", "  contact: [x]\n  active: maybe\n  x: ")      # bool type
sub("a49", "domains.yaml", "  account: a49", "  account: a49\n  soa: {rname: hostmaster, refresh: 1q}")  # soa
sub("a50", "domains.yaml", "    - {name: www, type: A,", "    - name: www2\n      type: A\n      value: 192.0.2.300\n    - {name: www, type: A,")  # block record
sub("a51", "domains.yaml", "name: _dmarc,", "name: \"_dmarc.\",")                       # name
with open(os.path.join(R, "servers", "web1.yaml"), "a") as fh: fh.write("---\napiVersion: baton/v1\nkind: Server\nmetadata: {name: web5}\nspec: {address: 10.213.0.99, hostKey: nope, port: 0, hostname: web5.bench.example.}\n")
print("planted")
