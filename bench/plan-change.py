#!/usr/bin/env python3
"""Change 1% of a generated repository's resources for bench/plan.sh.

    bench/plan-change.py REPO N

Every 20th account gets one record changed in its first zone (an update of that
Domain on its DNS primary), and every 20th account, offset by 10, one more
php-fpm process for its shop (an update of that WebApp): N/10 resources out of
the 10 per account.  Prints the changes the plan must list, one
`update Kind/name` a line, sorted.
"""
import pathlib
import re
import sys

repo, n = pathlib.Path(sys.argv[1]), int(sys.argv[2])
expected = []
for i in range(1, n + 1):
    folder = repo / "accounts" / f"a{i}"
    if i % 20 == 0:
        path = folder / "domains.yaml"
        text = path.read_text()
        changed = text.replace("v=spf1 mx -all", "v=spf1 mx ~all", 1)
        assert changed != text, path
        path.write_text(changed)
        expected.append(f"update Domain/a{i}.example")
    elif i % 20 == 10:
        path = folder / "webapps.yaml"
        text = path.read_text()
        changed = re.sub(r"processes: (\d+)", lambda m: f"processes: {int(m.group(1)) + 1}", text, count=1)
        assert changed != text, path
        path.write_text(changed)
        expected.append(f"update WebApp/a{i}-shop")
print("\n".join(sorted(expected)))
