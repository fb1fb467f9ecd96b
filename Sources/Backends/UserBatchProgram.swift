/// The program behind `UserBatch`: Perl, because every Debian server has it (perl-base is Essential) and it
/// reads and writes the account files, takes their locks and asks NSS as shadow-utils does, in one process.
/// Its input (`$run/users.in`) holds one tab-separated line per operation, in the run's order: `A INDEX NAME
/// HOME SHELL HASH GROUPS` for an account, `M INDEX NAME SHELL HOME HASH GROUPS` for its main user,
/// `U INDEX NAME ACCOUNT SHELL HOME HASH GROUPS` for another user (GROUPS comma-separated). It writes
/// `$run/batch/INDEX` (the register entries it wrote for the operation) and `$run/made/INDEX` (the
/// operation's user is made), and exits 3 having written no account file when it cannot work as
/// useradd would (a lock held past 15 s, SELinux, hooks in /etc/shadow-maint, mail spools, ...).
enum UserBatchProgram {
    static let text: StaticString = #"""
        use strict;
        use warnings;
        use Fcntl qw(O_WRONLY O_CREAT O_EXCL O_TRUNC F_SETLKW F_WRLCK SEEK_SET);
        use Config;
        use IO::Handle;

        my ($names, $run) = @ARGV;
        my (@held, $pwlock, @log);
        sub refuse { print STDERR "baton: users and groups are made one by one in this run: $_[0]\n"; exit 3 }
        END { unlink @held }
        $SIG{$_} = sub { exit 4 } for qw(TERM INT HUP PIPE);

        # What this step cannot do as useradd and groupadd would, it leaves to them.
        refuse("not a 64-bit Linux") unless $^O eq 'linux' && $Config{archname} =~ /^(x86_64|aarch64)-/;
        refuse("SELinux is enabled") if -e '/sys/fs/selinux/enforce';
        refuse("/etc/shadow-maint has hooks") if -e '/etc/shadow-maint';
        my %def;
        if (open(my $h, '<', '/etc/login.defs')) {
            while (<$h>) { $def{$1} = $2 if /^\s*([A-Z0-9_]+)\s+(\S+)/ }
        }
        sub num {
            my ($key, $default) = @_;
            my $v = $def{$key};
            return $default unless defined $v;
            refuse("login.defs: $key is $v") unless $v =~ /^-?[0-9]+$/;
            return $v + 0;
        }
        refuse("login.defs: USE_TCB") if lc($def{USE_TCB} // 'no') eq 'yes';
        my %ua;
        if (open(my $h, '<', '/etc/default/useradd')) {
            while (<$h>) { $ua{$1} = $2 if /^\s*([A-Z_]+)=(.*?)\s*$/ }
        }
        refuse("/etc/default/useradd: CREATE_MAIL_SPOOL") if lc($ua{CREATE_MAIL_SPOOL} // 'no') eq 'yes';
        refuse("/etc/default/useradd: INACTIVE") if ($ua{INACTIVE} // '-1') ne '-1';
        refuse("/etc/default/useradd: EXPIRE") if ($ua{EXPIRE} // '') ne '';
        if (open(my $h, '<', '/etc/nsswitch.conf')) {
            while (<$h>) { refuse("nsswitch.conf: subid") if /^\s*subid\s*:/ }
        }
        my ($umin, $umax, $gmin, $gmax) = (num('UID_MIN', 1000), num('UID_MAX', 60000), num('GID_MIN', 1000), num('GID_MAX', 60000));
        refuse("UID or GID range") unless $umin > 0 && $umin <= $umax && $gmin > 0 && $gmin <= $gmax;
        my @age = map { my $n = num($_, -1); $n == -1 ? '' : $n } qw(PASS_MIN_DAYS PASS_MAX_DAYS PASS_WARN_AGE);
        my %sub = (subuid => [num('SUB_UID_MIN', 100000), num('SUB_UID_MAX', 600100000), num('SUB_UID_COUNT', 65536)],
                   subgid => [num('SUB_GID_MIN', 100000), num('SUB_GID_MAX', 600100000), num('SUB_GID_COUNT', 65536)]);

        # The operations, in the order the run script runs them.
        my @ops;
        open(my $in, '<', "$run/users.in") or refuse("no input: $!");
        while (<$in>) {
            chomp;
            my @f = split /\t/, $_, -1;
            my %width = (A => 7, M => 7, U => 8);
            refuse("bad input line") unless $width{ $f[0] } && @f == $width{ $f[0] } && $f[1] =~ /^[0-9]+$/;
            push @ops, \@f;
        }
        close $in;

        # lckpwdf(3): an fcntl lock on /etc/.pwd.lock, 15 seconds at most; then each file's own lock as shadow-utils
        # takes it (`FILE.lock`, a link to a file holding the locker's process id; one whose process is gone is stale).
        sysopen($pwlock, '/etc/.pwd.lock', O_WRONLY | O_CREAT, 0600) or refuse("/etc/.pwd.lock: $!");
        my $locked = eval {
            local $SIG{ALRM} = sub { die "timeout\n" };
            alarm 15;
            my $flock = pack('s s x4 q q i x4', F_WRLCK, SEEK_SET, 0, 0, 0);
            my $r = fcntl($pwlock, F_SETLKW, $flock);
            alarm 0;
            $r;
        };
        refuse("the account files are locked by another program") unless $locked;
        my @files = grep { -e "/etc/$_" } qw(passwd shadow group gshadow subuid subgid);
        for my $f (qw(passwd shadow group gshadow)) { refuse("no /etc/$f") unless grep { $_ eq $f } @files }
        for my $f (@files) {
            my $path = "/etc/$f";
            refuse("$path is not a plain file") if -l $path || !-f $path;
            my ($tmp, $lock) = ("$path.$$", "$path.lock");
            sysopen(my $t, $tmp, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, 0600) or refuse("$tmp: $!");
            print $t $$;
            close $t or refuse("$tmp: $!");
            my $got = link($tmp, $lock);
            if (!$got && $!{EEXIST} && open(my $h, '<', $lock)) {
                my $pid = <$h> // '';
                close $h;
                if ($pid =~ /^[0-9]+$/ && $pid > 0 && !kill(0, $pid) && $!{ESRCH}) { unlink $lock; $got = link($tmp, $lock) }
            }
            unlink $tmp;
            refuse("$lock is held by another program") unless $got;
            push @held, $lock;
        }

        # The files, read whole; names and numbers they hold; what NSS knows besides (getpw*, getgr*).
        my (%lines, %changed);
        for my $f (@files) {
            open(my $h, '<', "/etc/$f") or refuse("/etc/$f: $!");
            my @l = <$h>;
            close $h;
            chomp @l;
            $lines{$f} = \@l;
        }
        sub index_of {
            my ($f) = @_;
            my %i;
            my $n = 0;
            for (@{ $lines{$f} }) { $i{$1} //= $n if /^([^:]+):/; $n++ }
            return \%i;
        }
        my %at = map { $_ => index_of($_) } grep { !/^sub/ } @files;
        my (%uid, %gid);
        for (@{ $lines{passwd} }) { $uid{$1} = 1 if /^[^:]*:[^:]*:([0-9]+):/ }
        for (@{ $lines{group} }) { $gid{$1} = 1 if /^[^:]*:[^:]*:([0-9]+):/ }
        setpwent();
        while (my @p = getpwent()) { $uid{ $p[2] } = 1 }
        endpwent();
        setgrent();
        while (my @g = getgrent()) { $gid{ $g[2] } = 1 }
        endgrent();

        sub user_exists  { exists $at{passwd}{ $_[0] } || defined getpwnam($_[0]) }
        sub group_exists { exists $at{group}{ $_[0] } || defined getgrnam($_[0]) }

        # find_new_uid/find_new_gid: above the highest used in the range, else the lowest free. The highest is found
        # once and then kept (a scan of every used ID per new user made a first apply of thousands quadratic).
        my %top;
        sub new_id {
            my ($used, $min, $max, $taken) = @_;
            my $top = $top{$used} //= do {
                my $t = $min - 1;
                for (keys %$used) { $t = $_ if $_ > $t && $_ <= $max }
                $t;
            };
            my $id = $top + 1;
            while ($id <= $max && ($used->{$id} || $taken->($id))) { $id++ }
            if ($id > $max) {
                for ($id = $min; $id <= $max && ($used->{$id} || $taken->($id)); $id++) { }
            }
            refuse("no free ID between $min and $max") if $id > $max;
            $used->{$id} = 1;
            $top{$used} = $id if $id > $top;
            return $id;
        }
        sub new_uid { new_id(\%uid, $umin, $umax, sub { defined getpwuid($_[0]) }) }
        sub new_gid { new_id(\%gid, $gmin, $gmax, sub { defined getgrgid($_[0]) }) }

        # An entry added as commonio adds it: one of the same name is replaced (a shadow or gshadow entry left by a run
        # killed between its renames), else the entry goes at the end.
        sub put {
            my ($f, $line) = @_;
            my ($name) = $line =~ /^([^:]+):/;
            if (defined $at{$f}{$name}) {
                $lines{$f}[ $at{$f}{$name} ] = $line;
            } else {
                push @{ $lines{$f} }, $line;
                $at{$f}{$name} = $#{ $lines{$f} };
            }
            $changed{$f} = 1;
        }
        sub add_group {
            my ($name, $gid) = @_;
            put('group', "$name:x:$gid:");
            put('gshadow', "$name:!::");
            push @log, "new group: name=$name, GID=$gid";
        }
        # useradd -G and usermod -G: the user joins the member list of each group, in group and gshadow.
        sub join_groups {
            my ($user, @groups) = @_;
            for my $g (@groups) {
                for my $f ('group', 'gshadow') {
                    my $i = $at{$f}{$g};
                    next unless defined $i;
                    my @e = split /:/, $lines{$f}[$i], -1;
                    my @m = grep { $_ ne '' } split /,/, $e[3];
                    next if grep { $_ eq $user } @m;
                    $e[3] = join(',', @m, $user);
                    $lines{$f}[$i] = join(':', @e);
                    $changed{$f} = 1;
                }
            }
        }
        # Subordinate IDs as useradd gives them: the first gap of COUNT from MIN among the ranges, the file sorted.
        # Each file is parsed and sorted once. Ranges only come in, so the gaps before the last one taken stay too
        # small: the next search goes on from there, and the new range goes where the search stopped (its sorted
        # place). Sorting the whole file again for each user made a first apply of thousands quadratic.
        my %subs;
        # Where useradd would put NAME's range in FILE: (state, start, k, low); start undef when no gap is left, and
        # nothing at all when the file is absent, the count 0 or NAME has a range already (nothing to add).
        sub subids_place {
            my ($f, $name) = @_;
            return () unless $lines{$f};
            my ($min, $max, $count) = @{ $sub{$f} };
            return () if $count == 0;
            my $s = $subs{$f} //= do {
                my (@r, %names);
                for (@{ $lines{$f} }) {
                    next if $_ eq '';
                    refuse("/etc/$f: $_") unless /^([^:]+):([0-9]+):([0-9]+)$/;
                    push @r, [$2, $3, $1, $_];
                    $names{$1} = 1;
                }
                @r = sort { $a->[0] <=> $b->[0] || $a->[1] <=> $b->[1] || $a->[2] cmp $b->[2] } @r;
                +{ r => \@r, names => \%names, k => 0, low => $min };
            };
            return () if $s->{names}{$name};
            my ($r, $k, $low) = ($s->{r}, $s->{k}, $s->{low});
            my $start;
            for (; $k < @$r; $k++) {
                my ($first, $n) = @{ $r->[$k] };
                my $high = $first > $max + 1 ? $max + 1 : $first;
                if ($high > $low && $high - $low >= $count) { $start = $low; last }
                $low = $first + $n if $first + $n > $low;
            }
            $start //= $low if $max - $low + 1 >= $count;
            return ($s, $start, $k, $low);
        }
        # useradd fails for a user it finds no subordinate ranges for ("can't create subordinate user IDs"), before
        # it writes anything: such a user is left to its operation, which fails with useradd's own words. Refusing
        # the batch instead made every user of a large server's first apply one by one (Debian's ranges hold 9,154
        # users).
        sub subids_fit {
            my ($name) = @_;
            for my $f ('subuid', 'subgid') {
                my ($s, $start) = subids_place($f, $name);
                return 0 if $s && !defined $start;
            }
            return 1;
        }
        sub add_subids {
            my ($name, $id) = @_;
            return if $id < $umin || $id > $umax;
            for my $f ('subuid', 'subgid') {
                my ($s, $start, $k, $low) = subids_place($f, $name);
                next unless $s;
                refuse("no free subordinate IDs in /etc/$f") unless defined $start;
                my $count = $sub{$f}[2];
                splice @{ $s->{r} }, $k, 0, [$start, $count, $name, "$name:$start:$count"];
                @$s{qw(k low)} = ($k, $low);
                $s->{names}{$name} = 1;
                $changed{$f} = 1;
            }
        }
        my $today = int(time() / 86400);
        sub add_user {
            my ($name, $id, $gid, $home, $shell, $hash) = @_;
            put('passwd', "$name:x:$id:${gid}::$home:$shell");
            put('shadow', join(':', $name, $hash, $today, @age, '', '', ''));
            push @log, "new user: name=$name, UID=$id, GID=$gid, home=$home, shell=$shell";
        }

        # The register, as baton_guard reads and writes it; an operation's own writes count for its later guards.
        my %reg;
        sub owner {
            my ($kind, $name, $mine) = @_;
            return $mine->{"$kind/$name"} if exists $mine->{"$kind/$name"};
            return $reg{"$kind/$name"} if exists $reg{"$kind/$name"};
            my $v;
            if (-f "$names/$kind/$name") {
                $v = '';
                if (open(my $h, '<', "$names/$kind/$name")) { $v = <$h> // ''; chomp $v }
            }
            return $reg{"$kind/$name"} = $v;
        }
        sub guard {
            my ($kind, $name, $account, $mode, $mine) = @_;
            my $o = owner($kind, $name, $mine);
            return $o eq $account if defined $o;
            return 0 if $mode eq 'new' && ($kind eq 'user' ? user_exists($name) : group_exists($name));
            $mine->{"$kind/$name"} = $account;
            return 1;
        }
        sub local_group { defined $at{group}{ $_[0] } }
        sub gid_of { (split /:/, $lines{group}[ $at{group}{ $_[0] } ])[2] }

        my (%made, %writes, %fresh, %doomed);
        for my $op (@ops) {
            my ($kind, $index, $name, @rest) = @$op;
            my %mine;
            if ($kind eq 'A') {
                my ($home, $shell, $hash, $list) = @rest;
                my @groups = grep { $_ ne '' } split /,/, $list;
                next unless guard('user', $name, $name, 'new', \%mine) && guard('group', $name, $name, 'new', \%mine);
                next if user_exists($name) || (group_exists($name) && !local_group($name)) || !subids_fit($name);
                $writes{$index} = \%mine;
                my $uid = new_uid();
                my $gid;
                if (local_group($name)) {
                    # The group is there and the account's (a run killed between the batch's renames): the operation
                    # would make the user in it (`useradd -g`).
                    $gid = gid_of($name);
                } else {
                    # useradd -U: the group takes the user's number when it is free.
                    $gid = ($uid >= $gmin && $uid <= $gmax && !$gid{$uid} && !defined getgrgid($uid)) ? $uid : new_gid();
                    $gid{$gid} = 1;
                    $top{\%gid} = $gid if defined $top{\%gid} && $gid > $top{\%gid};
                    add_group($name, $gid);
                }
                add_user($name, $uid, $gid, $home, $shell, $hash);
                add_subids($name, $uid);
                # The declared groups, in the operation's order: the first its guard refuses fails the operation there
                # when it runs, after the user is made, and its users are skipped: none is made for them.
                for my $g (@groups) {
                    unless (guard('group', $g, $name, 'new', \%mine)) { $doomed{$name} = 1; last }
                    add_group($g, new_gid()) unless group_exists($g);
                }
                $fresh{$name} = 1 unless $doomed{$name};
            } elsif ($kind eq 'M') {
                my ($shell, $home, $hash, $list) = @rest;
                my @groups = grep { $_ ne '' } split /,/, $list;
                next unless $fresh{$name};
                next unless guard('user', $name, $name, 'new', \%mine) && guard('group', $name, $name, 'adopt', \%mine);
                next if grep { $_ ne $name && (owner('group', $_, \%mine) // '') ne $name } @groups;
                next if grep { !local_group($_) } @groups;
                $writes{$index} = \%mine;
                my $i = $at{passwd}{$name};
                my @p = split /:/, $lines{passwd}[$i], -1;
                @p[5, 6] = ($home, $shell);
                $lines{passwd}[$i] = join(':', @p);
                my $j = $at{shadow}{$name};
                my @s = split /:/, $lines{shadow}[$j], -1;
                @s[1, 2] = ($hash, $today);
                $lines{shadow}[$j] = join(':', @s);
                join_groups($name, @groups);
                push @log, "main user: name=$name, home=$home, shell=$shell";
            } elsif ($kind eq 'U') {
                my ($account, $shell, $home, $hash, $list) = @rest;
                my @groups = grep { $_ ne '' } split /,/, $list;
                # Its account's group must already be the account's in the register: registering it here, before the
                # account's own operation ran, could let that operation pass a guard it fails one by one.
                next if $doomed{$account} || (owner('group', $account, \%mine) // '') ne $account;
                next unless guard('user', $name, $account, 'new', \%mine);
                next if grep { $_ ne $account && (owner('group', $_, \%mine) // '') ne $account } @groups;
                next if user_exists($name) || !local_group($account) || grep { !local_group($_) } @groups;
                next unless subids_fit($name);
                $writes{$index} = \%mine;
                my $uid = new_uid();
                add_user($name, $uid, gid_of($account), $home, $shell, $hash);
                add_subids($name, $uid);
                join_groups($name, @groups);
            } else {
                refuse("bad input line");
            }
            $made{$index} = 1;
            $reg{$_} = $mine{$_} for keys %mine;
        }

        # The register first, as each operation writes it before its useradd: a run killed from here on leaves each
        # name to its account. What each operation registered is listed, for an operation that ends up skipped.
        mkdir "$run/batch";
        mkdir "$run/made";
        for my $index (sort { $a <=> $b } keys %writes) {
            my $w = $writes{$index};
            open(my $l, '>', "$run/batch/$index") or refuse("$run/batch: $!");
            for (sort keys %$w) {
                my ($kind, $name) = split m{/}, $_, 2;
                print $l "$kind $name\n";
                open(my $h, '>', "$names/$_") or refuse("$names/$_: $!");
                print $h "$w->{$_}\n";
                close $h or refuse("$names/$_: $!");
            }
            close $l or refuse("$run/batch: $!");
        }

        # Each file as commonio writes it: FILE- keeps the old content (its owner, mode and times), FILE+ the new one,
        # synced, then renamed over FILE. Groups before users, so a user never names a group that is not written yet.
        sub write_file {
            my ($path, $mode, $uid, $gid, $content) = @_;
            sysopen(my $h, $path, O_WRONLY | O_CREAT | O_TRUNC, 0600) or die "$path: $!\n";
            chown $uid, $gid, $h or die "$path: $!\n";
            chmod $mode & 07777, $h or die "$path: $!\n";
            print $h $content or die "$path: $!\n";
            $h->flush or die "$path: $!\n";
            $h->sync or die "$path: $!\n";
            close $h or die "$path: $!\n";
        }
        for my $f (grep { $subs{$_} } qw(subuid subgid)) { $lines{$f} = [map { $_->[3] } @{ $subs{$f}{r} }] }
        my $written = eval {
            for my $f (grep { $changed{$_} } qw(subuid subgid gshadow group shadow passwd)) {
                my $path = "/etc/$f";
                my @st = stat $path or die "$path: $!\n";
                open(my $h, '<', $path) or die "$path: $!\n";
                my $old = do { local $/; <$h> };
                close $h;
                write_file("$path-", $st[2], $st[4], $st[5], $old);
                utime $st[8], $st[9], "$path-";
                write_file("$path+", $st[2], $st[4], $st[5], join('', map { "$_\n" } @{ $lines{$f} }));
                rename "$path+", $path or die "$path: $!\n";
            }
            1;
        };
        unlink @held;
        @held = ();
        close $pwlock;
        refuse($@) unless $written;
        for (keys %made) { open(my $h, '>', "$run/made/$_") or refuse("$run/made: $!"); close $h }
        for my $db ('passwd', 'group') {
            system { '/usr/sbin/nscd' } 'nscd', '-i', $db if -x '/usr/sbin/nscd';
        }
        system { '/usr/sbin/sss_cache' } 'sss_cache', '-UG' if -x '/usr/sbin/sss_cache';
        if (@log && open(my $l, '|-', 'logger -t baton -p authpriv.info 2>/dev/null')) {
            print $l "$_\n" for @log;
            close $l;
        }
        printf STDERR "baton: %d of %d operations' users and groups made at once\n", scalar(keys %made), scalar(@ops);
        exit 0;
        """#
}
