/// The program behind `TreeHelper`: Perl (perl-base is Essential on Debian), started once per run. It reads
/// requests on stdin, each a count of fields and then the fields, every one ended by a NUL byte (no value can hold
/// one: they come from shell words), and answers each with its exit status on a line of stdout; its messages go to
/// stderr, where the command it stands for would have written them. Values are data here, never code.
///
/// - `ping`: 0 when it can work (a 64-bit Linux whose system call numbers it knows).
/// - `dirs OWNER GROUP MODE PATH...`: as root, `mkdir -m MODE -- PATH...`, then, when every one was made,
///   `chown -h -- OWNER:GROUP PATH...`.
/// - `mkdir-as USER GROUP MODE PATH...`: `mkdir -p -m MODE -- PATH...` with the rights of USER and GROUP alone.
/// - `home USER GROUP HOME MODE KEYS`: a user's part of `baton_home`, with the user's rights alone (umask 077):
///   HOME set to MODE (none when empty), `~/.ssh` made (or set to 0700), KEYS written to a temporary file there
///   and renamed over `authorized_keys`.
/// - `mv FROM TO`: as root, `mv -f -- FROM TO` for a TO that is no folder: rename(2).
/// - `acl HOW USER GROUP ARGS...`: `setfacl ARGS` with the rights of USER and GROUP alone (as root for `-`), for
///   the arguments Baton gives it (`-R`, `-P`, `-m` with entries of named users, `--`, files), as acl's own
///   `do_set` and `walk_tree` do it: the xattrs read, changed and written back, the mask recalculated, links
///   skipped, its messages. Other arguments answer 125 before anything is done, and the shell runs setfacl.
///
/// With the rights of a user alone means what the kernel checks files against: no supplementary group, and the
/// effective user and group IDs the user's (so no effective capability), checked before it does anything; the
/// helper then comes back to root (its real and saved IDs stayed root's). A fork per request, which setpriv's
/// way would need (real and saved IDs too), cost about a millisecond each, two thousand times in a first apply.
enum TreeHelperProgram {
    static let text: StaticString = #"""
        use strict;
        use warnings;
        use POSIX ();
        use Fcntl qw(O_RDONLY O_DIRECTORY O_NOFOLLOW);
        use Config;

        $| = 1;
        umask 022;
        chdir '/';
        $SIG{PIPE} = 'DEFAULT';
        # setgroups, setresuid, setresgid.
        my %calls = (x86_64 => [116, 117, 119], aarch64 => [159, 147, 149]);
        my ($arch) = $Config{archname} =~ /^(x86_64|aarch64)-linux/;
        my $calls = $arch ? $calls{$arch} : undef;

        sub err { print STDERR @_, "\n"; return 1 }

        sub id_of {
            my ($name, $group) = @_;
            my $id = $group ? getgrnam($name) : getpwnam($name);
            $id = $name if !defined $id && $name =~ /^[0-9]+$/;
            return $id;
        }

        # CODE's exit status, run with the rights of USER and GROUP alone: no supplementary group, the effective
        # IDs (which the kernel checks files against) the user's, so no effective capability either; the real and
        # saved IDs stay root's, so that the helper can come back (a user can neither signal nor trace it: the
        # kernel makes a process that changed its IDs undumpable). Coming back fails: the helper ends.
        my $root_groups = $);
        sub as_user {
            my ($u, $g, $code) = @_;
            my ($uid, $gid) = (id_of($u, 0), id_of($g, 1));
            return err("baton: no user $u or no group $g") unless defined $uid && defined $gid;
            my ($setgroups, $setresuid, $setresgid) = @$calls;
            my $umask = umask;
            my $rc = eval {
                syscall($setgroups, 0, 0) == 0 or die "setgroups: $!\n";
                syscall($setresgid, -1, $gid + 0, -1) == 0 or die "setresgid: $!\n";
                syscall($setresuid, -1, $uid + 0, -1) == 0 or die "setresuid: $!\n";
                my @groups = split ' ', $);
                shift @groups;
                die "not $u:$g alone\n"
                    unless POSIX::geteuid() == $uid && POSIX::getegid() == $gid && !grep { $_ != $gid } @groups;
                $code->();
            };
            unless (defined $rc) { err("baton: cannot act as $u: $@"); $rc = 1 }
            umask $umask;
            unless (syscall($setresuid, -1, 0, -1) == 0 && syscall($setresgid, -1, 0, -1) == 0
                && (($) = $root_groups), POSIX::geteuid() == 0))
            {
                err("baton: the run helper cannot become root again: $!");
                POSIX::_exit(70);
            }
            return $rc;
        }

        # mkdir(2) with exactly MODE, as `mkdir -m MODE` makes a folder (the umask does not apply).
        sub make {
            my ($p, $mode) = @_;
            my $old = umask 0;
            my $ok = mkdir $p, $mode;
            my $error = $!;
            umask $old;
            return 1 if $ok;
            err("mkdir: cannot create directory '$p': $error");
            return 0;
        }

        sub dirs {
            my ($u, $g, $mode, @paths) = @_;
            my $rc = 0;
            for my $p (@paths) { make($p, oct $mode) or $rc = 1 }
            return $rc if $rc;
            my ($uid, $gid) = (id_of($u, 0), id_of($g, 1));
            return err("chown: invalid user: '$u:$g'") unless defined $uid && defined $gid;
            for my $p (@paths) {
                POSIX::lchown($uid, $gid, $p) or $rc = err("chown: changing ownership of '$p': $!");
            }
            return $rc;
        }

        # `mkdir -p -m MODE`: the folders above that are missing with 0777 less the umask (u+wx kept), the last
        # with MODE, an existing one left as it is.
        sub mkdir_p {
            my ($mode, @paths) = @_;
            my $rc = 0;
            PATH: for my $p (@paths) {
                my $at = '';
                my @parts = grep { length } split m{/}, $p;
                my $last = pop @parts;
                for my $part (@parts) {
                    $at .= "/$part";
                    next if -d $at;
                    my $old = umask;
                    umask($old & ~0300);
                    my $ok = mkdir $at, 0777;
                    my $error = $!;
                    umask $old;
                    next if $ok || -d $at;
                    err("mkdir: cannot create directory '$at': $error");
                    $rc = 1;
                    next PATH;
                }
                next if -d $p;
                make($p, oct $mode) or -d $p or $rc = 1;
            }
            return $rc;
        }

        sub home {
            my ($h, $mode, $keys) = @_;
            umask 077;
            if (length $mode) {
                chmod(oct $mode, $h) or return err("chmod: changing permissions of '$h': $!");
            }
            if (-d "$h/.ssh") {
                chmod(0700, "$h/.ssh") or return err("chmod: changing permissions of '$h/.ssh': $!");
            } else {
                mkdir("$h/.ssh", 0777) or return err("mkdir: cannot create directory '$h/.ssh': $!");
            }
            my $tmp = "$h/.ssh/.authorized_keys.baton-tmp";
            my $fh;
            unless (open($fh, '>', $tmp)) { err("sh: cannot create $tmp: $!"); return 2 }
            print $fh $keys or return err("printf: write error: $!");
            close $fh or return err("printf: write error: $!");
            return move($tmp, "$h/.ssh/authorized_keys");
        }

        # `mv -f -- FROM TO`: into TO when it is a folder.
        sub move {
            my ($from, $to) = @_;
            if (-d $to) {
                my ($name) = $from =~ m{([^/]*)$};
                $to = "$to/$name";
            }
            return 0 if rename $from, $to;
            return err("mv: cannot move '$from' to '$to': $!");
        }

        # ACLs as setfacl sets them (acl's do_set.c and walk_tree.c), for what Baton gives it: -R, -P, -m with
        # entries of named users, `--`, files. An ACL is a hash of "TAG ID" to permissions; the xattr holds
        # version 2, then (tag, perm, id) for each entry in order.
        my %xattr = (x86_64 => [191, 188, 197], aarch64 => [8, 5, 14]);    # getxattr, setxattr, removexattr
        my ($getxattr, $setxattr, $removexattr) = $arch ? @{ $xattr{$arch} } : ();
        my ($USER_OBJ, $USER, $GROUP_OBJ, $GROUP, $MASK, $OTHER) = (1, 2, 4, 8, 16, 32);
        my $NONE = 4294967295;
        my %names = (a => 'system.posix_acl_access', d => 'system.posix_acl_default');

        # The ACL of PATH (a for access, d for default): from its xattr, the access ACL from the mode when there
        # is none, no default ACL on a file; undef with $! on an error.
        sub get_acl {
            my ($path, $type, $mode) = @_;
            return {} if $type eq 'd' && !(($mode & 0170000) == 0040000);
            my $buf = "\0" x 65536;
            my $n = syscall($getxattr, $path, $names{$type}, $buf, length $buf);
            if ($n < 0) {
                return undef unless $!{ENODATA};
                return {} if $type eq 'd';
                my @st = stat $path or return undef;
                return { "$USER_OBJ $NONE" => ($st[2] >> 6) & 7, "$GROUP_OBJ $NONE" => ($st[2] >> 3) & 7,
                    "$OTHER $NONE" => $st[2] & 7 };
            }
            my ($version, @words) = unpack('V(vvV)*', substr($buf, 0, $n));
            return undef unless ($version // 0) == 2;
            my %acl;
            while (@words) { my ($tag, $perm, $id) = splice @words, 0, 3; $acl{"$tag $id"} = $perm }
            return \%acl;
        }

        sub acl_text {
            my ($acl) = @_;
            my @keys = sort { my @a = split ' ', $a; my @b = split ' ', $b; $a[0] <=> $b[0] || $a[1] <=> $b[1] } keys %$acl;
            return pack('V', 2) . join '', map { my ($tag, $id) = split ' '; pack('vvV', $tag, $acl->{$_}, $id) } @keys;
        }

        sub calc_mask {
            my ($acl) = @_;
            return unless grep { /^($USER|$GROUP) / } keys %$acl;
            $acl->{"$MASK $NONE"} //= $acl->{"$GROUP_OBJ $NONE"} // 0;
            my $mask = 0;
            for (keys %$acl) { $mask |= $acl->{$_} if /^($USER|$GROUP_OBJ|$GROUP) / }
            $acl->{"$MASK $NONE"} = $mask;
        }

        # do_set for one file: its errors, each said on stderr unless QUIET.
        sub set_acl {
            my ($path, $mode, $cmds, $recursive, $quiet) = @_;
            my $fail = sub { print STDERR "setfacl: $path: $!\n" unless $quiet; 1 };
            my $dir = ($mode & 0170000) == 0040000;
            my (%acl, %old);
            for my $cmd (@$cmds) {
                my ($type, $id, $perm, $cond) = @$cmd;
                unless ($acl{$type}) {
                    $old{$type} = get_acl($path, $type, $mode) // return $fail->();
                    $acl{$type} = { %{ $old{$type} } };
                }
                $perm |= 1 if $cond && ($dir || grep { $_ & 1 } values %{ $acl{$type} });
                $acl{$type}{"$USER $id"} = $perm;
            }
            my $def = $acl{d};
            if ($def && %$def) {
                for my $tag ($USER_OBJ, $GROUP_OBJ, $OTHER) {
                    next if exists $def->{"$tag $NONE"};
                    unless ($acl{a}) {
                        $old{a} = get_acl($path, 'a', $mode) // return $fail->();
                        $acl{a} = { %{ $old{a} } };
                    }
                    $def->{"$tag $NONE"} = $acl{a}{"$tag $NONE"} if exists $acl{a}{"$tag $NONE"};
                }
            }
            calc_mask($acl{a}) if $acl{a} && grep { $_->[0] eq 'a' } @$cmds;
            calc_mask($def) if $def && %$def;
            delete $acl{d} if $def && !$dir && $recursive;
            for my $type ('a', 'd') {
                delete $acl{$type} if $acl{$type} && acl_text($acl{$type}) eq acl_text($old{$type});
            }
            if ($acl{a}) {
                my $text = acl_text($acl{a});
                syscall($setxattr, $path, $names{a}, $text, length $text, 0) == 0 or return $fail->();
            }
            if ($acl{d}) {
                if (!$dir) {
                    print STDERR "setfacl: $path: Only directories can have default ACLs\n" unless $quiet;
                    return 1;
                }
                if (%{ $acl{d} }) {
                    my $text = acl_text($acl{d});
                    syscall($setxattr, $path, $names{d}, $text, length $text, 0) == 0 or return $fail->();
                } elsif (syscall($removexattr, $path, $names{d}) != 0 && !$!{ENODATA}) {
                    return $fail->();
                }
            }
            return 0;
        }

        # walk_tree: PATH, then with -R what is in it; symbolic links skipped with -P, and below the top without.
        sub walk {
            my ($path, $opts, $cmds, $top) = @_;
            my @st = lstat $path;
            unless (@st) { print STDERR "setfacl: $path: $!\n" unless $opts->{quiet}; return 1 }
            if (-l _) {
                return 0 if $opts->{physical} || !$top;
                @st = stat $path;
                unless (@st) { print STDERR "setfacl: $path: $!\n" unless $opts->{quiet}; return 1 }
            }
            my $errors = set_acl($path, $st[2], $cmds, $opts->{recursive}, $opts->{quiet});
            return $errors unless $opts->{recursive} && -d _;
            my $dh;
            unless (opendir $dh, $path) { print STDERR "setfacl: $path: $!\n" unless $opts->{quiet}; return $errors + 1 }
            my @names = grep { $_ ne '.' && $_ ne '..' } readdir $dh;
            closedir $dh;
            $errors += walk("$path/$_", $opts, $cmds, 0) for @names;
            return $errors;
        }

        # acl HOW ARGS...: setfacl ARGS. HOW: `status` answers setfacl's exit status (its last file's), `report`
        # 1 when anything was said, `quiet` setfacl's status with nothing said. 125: not what this helper does
        # (nothing done).
        sub acl {
            my ($how, @args) = @_;
            my (@plan, $cmds, $options, $files);
            my $opts = { quiet => $how eq 'quiet' };
            while (@args) {
                my $arg = shift @args;
                if (!$options && $arg eq '--') { $options = 1; next }
                if (!$options && $arg eq '-R') { push @plan, ['R']; next }
                if (!$options && $arg eq '-P') { push @plan, ['P']; next }
                if (!$options && $arg eq '-m') {
                    my $spec = shift @args // return 125;
                    my @cmds;
                    for my $entry (split /,/, $spec, -1) {
                        my ($type, $name, $perms) = $entry =~ /^(d:|default:)?u(?:ser)?:([^:]+):([-rwxX]{1,4})$/
                            or return 125;
                        my $id = getpwnam($name);
                        $id = $name if !defined $id && $name =~ /^[0-9]+$/;
                        return 125 unless defined $id;
                        my $perm = ($perms =~ /r/ ? 4 : 0) | ($perms =~ /w/ ? 2 : 0) | ($perms =~ /x/ ? 1 : 0);
                        push @cmds, [$type ? 'd' : 'a', $id, $perm, $perms =~ /X/ ? 1 : 0];
                    }
                    push @plan, ['m', \@cmds];
                    next;
                }
                return 125 if !$options && $arg =~ /^-/;
                push @plan, ['f', $arg];
                $files = 1;
            }
            return 125 unless $files && $plan[0][0] ne 'f';
            my ($status, $said) = (0, 0);
            my $after = 0;
            for my $step (@plan) {
                my ($kind, $value) = @$step;
                if ($kind eq 'R') { $opts->{recursive} = 1; next }
                if ($kind eq 'P') { $opts->{physical} = 1; next }
                if ($kind eq 'm') { $cmds = [] if $after; $after = 0; push @$cmds, @$value; next }
                return 125 unless $cmds;
                $after = 1;
                my $errors = walk($value, $opts, $cmds, 1);
                $status = $errors ? 1 : 0;
                $said ||= $errors;
            }
            return $how eq 'report' ? ($said || $status ? 1 : 0) : $status;
        }

        sub mode_ok { $_[0] =~ /^[0-7]{3,4}$/ }

        my %verbs = (
            'ping' => sub { $calls ? 0 : 1 },
            'dirs' => sub { @_ >= 4 && mode_ok($_[2]) ? dirs(@_) : 2 },
            'mkdir-as' => sub {
                return 2 unless @_ >= 4 && mode_ok($_[2]);
                my ($u, $g, $mode, @paths) = @_;
                as_user($u, $g, sub { mkdir_p($mode, @paths) });
            },
            'home' => sub {
                return 2 unless @_ == 5 && ($_[3] eq '' || mode_ok($_[3]));
                my ($u, $g, $h, $mode, $keys) = @_;
                as_user($u, $g, sub { home($h, $mode, $keys) });
            },
            'mv' => sub { @_ == 2 ? move(@_) : 2 },
            # acl HOW USER GROUP ARGS...: as USER (or root for -), setfacl ARGS.
            'acl' => sub {
                return 2 unless @_ >= 4 && $_[0] =~ /^(status|report|quiet)$/;
                my ($how, $u, $g, @args) = @_;
                return acl($how, @args) if $u eq '-';
                as_user($u, $g, sub { acl($how, @args) });
            },
        );

        $/ = "\0";
        while (defined(my $count = <STDIN>)) {
            chomp $count;
            exit 2 unless $count =~ /^[1-9][0-9]{0,4}$/;
            my @fields;
            for (1 .. $count) {
                my $field = <STDIN>;
                exit 2 unless defined $field && chomp $field;
                push @fields, $field;
            }
            my $verb = $verbs{ shift @fields };
            my $rc = $verb ? $verb->(@fields) : 2;
            print "$rc\n";
        }
        """#
}
