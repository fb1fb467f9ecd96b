# Sourced by the daemon's benchmarks (daemon.sh, soak.sh) after common.sh: the generated repository pointed at the
# test hosts and pushed to a bare remote, `baton reconcile` following it, and the commits and webhooks they send.

# start_daemon INTERVAL_SECONDS: test hosts up, the repository of N accounts (every account on web1) committed and
# pushed to $WORK/$NAME-remote.git, the daemon started on a free port; sets PORT, PID and SECRET. Hosts and daemon
# go at the end however the script ends (EXIT, and INT/TERM, which bash's EXIT trap alone does not cover).
start_daemon() {
    local interval=$1
    "$ROOT/scripts/testhosts" down >/dev/null 2>&1 || true
    "$ROOT/scripts/testhosts" up >/dev/null
    # Debian's login.defs gives every new user 65,536 subordinate IDs out of 600 million: room for 9,154 users, and
    # the generated repository has about 2.3 users an account, so past about 3,900 accounts `useradd` (and Baton's
    # user batch, which makes users as it would) fails with "can't create subordinate user IDs". A hosting server
    # of that size sets SUB_UID_COUNT and SUB_GID_COUNT to 0 (no rootless containers for its tenants); so does web1
    # here past 3,000 accounts.
    if [ "$N" -gt 3000 ]; then
        "$ROOT/scripts/testhosts" exec web1 sed -i -E 's/^(SUB_[UG]ID_COUNT)\s.*/\1 0/' /etc/login.defs
    fi
    # `|| true`: under `set -e` a failed kill (the daemon died first) ended the trap there, and the hosts stayed
    # up holding the test hosts' lock (their daemons inherit its descriptor).
    trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; "$ROOT/scripts/testhosts" down >/dev/null' EXIT
    trap 'exit 143' INT TERM
    rm -rf "$WORK/$NAME-remote.git" "$WORK/$NAME-state"
    web1_repository
    # The generated sites are https://aN.example/: the monitor would ask the machine's resolver (outside
    # 10.213.0.0/24) for each of them every minute. The monitor has its own benchmark on 127.0.0.1 (monitor.sh).
    rm -f "$REPO"/accounts/*/monitors.yaml
    $GIT init -q -b main
    $GIT add -A
    $GIT commit -q -m "$NAME repository"
    git init -q --bare "$WORK/$NAME-remote.git"
    $GIT push -q "$WORK/$NAME-remote.git" main
    SECRET=$NAME-secret
    echo "$SECRET" >"$WORK/$NAME-secret"
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    "$BATON" reconcile --repo "file://$WORK/$NAME-remote.git" --state-dir "$WORK/$NAME-state" \
        --listen "127.0.0.1:$PORT" --interval "${interval}s" --webhook-secret-file "$WORK/$NAME-secret" \
        --identity /run/baton-testhosts/client_ed25519 --log-format json --apply-timeout "${APPLY_TIMEOUT:-2h}" \
        2>"$WORK/$NAME.log" &
    PID=$!
}

# commit_record ACCOUNT NAME ADDRESS: an A record NAME in ACCOUNT's zone, committed and pushed.
commit_record() {
    sed -i "0,/- {name: www, type: A/s//- {name: $2, type: A, value: $3}\n    - {name: www, type: A/" \
        "$REPO/accounts/$1/domains.yaml"
    $GIT commit -q -am "$NAME: $2 in $1"
    $GIT push -q "$WORK/$NAME-remote.git" main
}

# signed_webhook: a GitHub push to main, signed with the daemon's secret; HOOK_AT is when it was sent (after the
# signing, which is the sender's work, not the daemon's).
signed_webhook() {
    local body='{"ref": "refs/heads/main"}' sig
    sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$SECRET" | awk '{print $NF}')
    HOOK_AT=$(date +%s.%N)
    curl -s -o /dev/null -X POST -H "X-GitHub-Event: push" -H "X-Hub-Signature-256: sha256=$sig" \
        --data-binary "$body" "http://127.0.0.1:$PORT/hooks/github"
}
