# shellcheck shell=bash
#
# Shared code for .ci/run, .ci/servers and .ci/ctl: install the database
# packages, start the test servers under a temporary state directory, stop
# them again.
#
# The servers, all on 127.0.0.1:
#   pg-primary     PostgreSQL primary                      port 15432
#   pg-replica     PostgreSQL streaming replica (slot)     port 15433
#   mysql-primary  MariaDB primary (binlog, GTID)          port 13306
#   mysql-replica  MariaDB replica (read_only)             port 13307
#
# State directory layout (made by ci_state_new; only root, postgres and mysql
# can reach the servers' sockets):
#   .grant-ci-state        marker: ci_state_remove deletes only such folders
#   env                    the export lines (see ci_write_env)
#   apt.log                package install output
#   pg/        (postgres)  primary/ replica/ data, primary.log replica.log,
#                          sock/ (Unix sockets of both), initdb.log,
#                          basebackup.log
#   my/        (mysql)     primary/ replica/ data, <role>.sock .pid .err .out,
#                          install.log
#
# The file is sourced by scripts that run with `set -euo pipefail`. Every
# message goes to stderr, so that `.ci/servers start` keeps stdout for its
# export lines.

CI_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this file
CI_REPO=$(cd "$CI_DIR/.." && pwd)

readonly CI_PG_PRIMARY_PORT=15432
readonly CI_PG_REPLICA_PORT=15433
readonly CI_MY_PRIMARY_PORT=13306
readonly CI_MY_REPLICA_PORT=13307

# Throwaway credentials of throwaway servers that listen on loopback only.
readonly CI_APP_USER=grant_app
readonly CI_APP_PASSWORD=grant_pw
readonly CI_APP_DB=grant_test
readonly CI_MY_REPL_USER=grant_repl
readonly CI_MY_REPL_PASSWORD=grant_repl_pw
readonly CI_PG_SLOT=grant_replica

# mktemp names state directories "$CI_STATE_PREFIX" + random; leftovers of an
# earlier run are recognised by this prefix in a server's command line.
readonly CI_STATE_PREFIX=grant-ci.

# shellcheck disable=SC2034 # used by the scripts that source this file
readonly CI_SERVICES="pg-primary pg-replica mysql-primary mysql-replica"

# Variables from a developer's shell must not redirect our admin clients.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE \
	PGSERVICE PGSERVICEFILE PGOPTIONS PGSSLMODE \
	MYSQL_HOST MYSQL_TCP_PORT MYSQL_UNIX_PORT MYSQL_PWD

ci_log() { printf '%s\n' "$*" >&2; }

ci_die() {
	ci_log "error: $*"
	exit 1
}

# ci_tail FILE: print the end of a server log after a failure.
ci_tail() {
	if [[ -f $1 ]]; then
		ci_log "---- last lines of $1 ----"
		tail -n 40 "$1" >&2 || true
		ci_log "---- end of $1 ----"
	fi
}

ci_require_root() {
	[[ $EUID -eq 0 ]] ||
		ci_die "run as root: PostgreSQL and MariaDB are started as their own users (runuser)"
}

# ci_wait SECONDS WHAT CMD...: run CMD every 0.2 s until it succeeds; fail
# with a message naming WHAT after SECONDS.
ci_wait() {
	local secs=$1 what=$2
	shift 2
	local deadline=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		if ((SECONDS >= deadline)); then
			ci_log "error: timed out after ${secs}s waiting for $what"
			return 1
		fi
		sleep 0.2
	done
}

# ---------------------------------------------------------------- packages

readonly CI_PACKAGES=(postgresql mariadb-server mariadb-client procps iproute2 util-linux locales)

# CI_LOCALE is the libc locale the collation tests order text in; it must
# exist before initdb, which imports the system's locales as collations.
readonly CI_LOCALE="en_US.UTF-8"

# ci_install_packages LOG: apt-get update + install, output to LOG.
ci_install_packages() {
	local log=$1 own_policy=
	export DEBIAN_FRONTEND=noninteractive
	# The packages' maintainer scripts would start the distribution's own
	# PostgreSQL and MariaDB services. policy-rc.d answering 101 ("action
	# forbidden") stops that; add one for the install if there is none.
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		own_policy=1
	fi
	local rc=0
	{
		apt-get -o DPkg::Lock::Timeout=300 update -q &&
			apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${CI_PACKAGES[@]}"
	} >>"$log" 2>&1 || rc=$?
	if [[ -n $own_policy ]]; then rm -f /usr/sbin/policy-rc.d; fi
	if ((rc != 0)); then
		ci_tail "$log"
		ci_die "installing ${CI_PACKAGES[*]} failed"
	fi
	ci_have_locale || ci_make_locale "$log"
}

# ci_have_locale: does libc have CI_LOCALE?
ci_have_locale() {
	locale -a 2>/dev/null | grep -qix "${CI_LOCALE/UTF-8/utf8}"
}

# ci_make_locale LOG: generate CI_LOCALE (package locales), output to LOG.
ci_make_locale() {
	local log=$1
	{
		if [[ -f /etc/locale.gen ]] && grep -q "^# *$CI_LOCALE UTF-8" /etc/locale.gen; then
			sed -i "s/^# *\($CI_LOCALE UTF-8\)/\1/" /etc/locale.gen
		elif ! grep -q "^$CI_LOCALE UTF-8" /etc/locale.gen 2>/dev/null; then
			echo "$CI_LOCALE UTF-8" >>/etc/locale.gen
		fi
		locale-gen
	} >>"$log" 2>&1 || { ci_tail "$log"; ci_die "generating the locale $CI_LOCALE failed"; }
}

# ci_have_packages: are the programs we use there already?
ci_have_packages() {
	ci_pg_bin >/dev/null 2>&1 || return 1
	ci_have_locale || return 1
	# One at a time: `command -v a b` succeeds when any one of them is found.
	local prog
	for prog in mariadbd mariadb-install-db mariadb mariadb-admin pgrep ss runuser setsid; do
		command -v "$prog" >/dev/null 2>&1 || return 1
	done
}

# ci_pg_bin: the bin directory of the newest installed PostgreSQL server (15
# on Debian 12). The pg_wrapper links in /usr/bin are not used.
ci_pg_bin() {
	local d best=
	for d in /usr/lib/postgresql/*/bin; do
		[[ -x $d/postgres && -x $d/pg_ctl ]] && best=$d
	done
	# The glob sorts by name (10 before 9): good enough where, as on Debian
	# 12, one version is installed.
	[[ -n $best ]] || return 1
	printf '%s\n' "$best"
}

# ---------------------------------------------------------------- state

# ci_state_new: make a fresh state directory and print its path.
ci_state_new() {
	local st
	st=$(mktemp -d -t "${CI_STATE_PREFIX}XXXXXXXX")
	# Unix socket paths are limited to 107 bytes; keep well below that.
	if ((${#st} > 60)); then
		rm -rf "$st"
		ci_die "state directory path $st is too long for Unix sockets; set TMPDIR to a shorter folder"
	fi
	: >"$st/.grant-ci-state"
	# The servers run as postgres and mysql: they must be able to traverse it.
	chmod 755 "$st"
	install -d -m 700 -o postgres -g postgres "$st/pg" "$st/pg/sock"
	install -d -m 700 -o mysql -g mysql "$st/my"
	printf '%s\n' "$st"
}

# ci_state_remove DIR: delete a state directory made by ci_state_new.
ci_state_remove() {
	local st=$1
	[[ -n $st && -d $st ]] || return 0
	if [[ -f $st/.grant-ci-state && $(basename "$st") == "$CI_STATE_PREFIX"* ]]; then
		rm -rf "$st"
	else
		ci_log "warning: not removing $st: not a test-server state directory"
	fi
}

# ci_sq VALUE: VALUE in single quotes for the shell.
ci_sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# ci_write_env DIR: the variables the tests read (see internal/testenv).
ci_write_env() {
	local st=$1 name value
	local -a vars=(
		"GRANT_CI_STATE=$st"
		"GRANT_PG_DSN=postgres://$CI_APP_USER:$CI_APP_PASSWORD@127.0.0.1:$CI_PG_PRIMARY_PORT/$CI_APP_DB?sslmode=disable"
		"GRANT_PG_REPLICA_DSN=postgres://$CI_APP_USER:$CI_APP_PASSWORD@127.0.0.1:$CI_PG_REPLICA_PORT/$CI_APP_DB?sslmode=disable"
		"GRANT_MYSQL_DSN=$CI_APP_USER:$CI_APP_PASSWORD@tcp(127.0.0.1:$CI_MY_PRIMARY_PORT)/$CI_APP_DB"
		"GRANT_MYSQL_REPLICA_DSN=$CI_APP_USER:$CI_APP_PASSWORD@tcp(127.0.0.1:$CI_MY_REPLICA_PORT)/$CI_APP_DB"
		"GRANT_SERVICE_CTL=$CI_DIR/ctl"
	)
	: >"$st/env"
	for name in "${vars[@]}"; do
		value=${name#*=}
		name=${name%%=*}
		printf 'export %s=%s\n' "$name" "$(ci_sq "$value")" >>"$st/env"
	done
}

# ---------------------------------------------------------------- PostgreSQL

# Run as postgres from / (root's working directory may be unreadable to it).
ci_pg_as() { (cd / && runuser -u postgres -- "$@"); }

ci_pg_port() { if [[ $1 == primary ]]; then echo "$CI_PG_PRIMARY_PORT"; else echo "$CI_PG_REPLICA_PORT"; fi; }

# ci_pg_sql DIR ROLE DB SQL: run SQL as the superuser over the Unix socket;
# print unaligned, tuples-only output.
ci_pg_sql() {
	local st=$1 role=$2 db=$3 sql=$4
	ci_pg_as "$(ci_pg_bin)/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
		-h "$st/pg/sock" -p "$(ci_pg_port "$role")" -U postgres -d "$db" -c "$sql"
}

ci_pg_running() {
	local st=$1 role=$2
	[[ -f $st/pg/$role/PG_VERSION ]] &&
		ci_pg_as "$(ci_pg_bin)/pg_ctl" -D "$st/pg/$role" status >/dev/null 2>&1
}

ci_pg_start() {
	local st=$1 role=$2
	ci_pg_running "$st" "$role" && return 0
	# pg_ctl -w waits until the server accepts connections (a hot standby:
	# read-only ones); it detaches the server into its own session.
	if ! ci_pg_as "$(ci_pg_bin)/pg_ctl" -D "$st/pg/$role" -l "$st/pg/$role.log" \
		-w -t 120 start >/dev/null; then
		ci_tail "$st/pg/$role.log"
		ci_log "error: PostgreSQL $role did not start"
		return 1
	fi
}

ci_pg_stop() {
	local st=$1 role=$2
	ci_pg_running "$st" "$role" || return 0
	# Fast: roll back open transactions, disconnect clients, checkpoint.
	# Prepared transactions survive (they are on disk).
	ci_pg_as "$(ci_pg_bin)/pg_ctl" -D "$st/pg/$role" -m fast -w -t 120 stop >/dev/null
}

# ci_pg_streaming DIR: does the primary see a streaming standby?
ci_pg_streaming() {
	[[ $(ci_pg_sql "$1" primary postgres \
		"SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") -ge 1 ]]
}

ci_pg_in_recovery() {
	[[ $(ci_pg_sql "$1" replica postgres "SELECT pg_is_in_recovery()") == t ]]
}

# ci_pg_caught_up DIR LSN: has the replica replayed up to LSN?
ci_pg_caught_up() {
	[[ $(ci_pg_sql "$1" replica postgres \
		"SELECT pg_last_wal_replay_lsn() >= '$2'::pg_lsn") == t ]]
}

# ci_pg_wait_replication DIR: when both PostgreSQL servers run, wait until the
# replica streams from the primary.
ci_pg_wait_replication() {
	local st=$1
	if ! ci_pg_running "$st" primary || ! ci_pg_running "$st" replica; then
		return 0
	fi
	ci_wait 60 "the PostgreSQL replica to stream" ci_pg_streaming "$st" || {
		ci_tail "$st/pg/replica.log"
		return 1
	}
}

ci_pg_setup() {
	local st=$1 bin t0=$SECONDS
	bin=$(ci_pg_bin) || ci_die "PostgreSQL server binaries not found under /usr/lib/postgresql"
	local data=$st/pg/primary

	# Trust only over the Unix socket, whose folder only postgres (and root)
	# can enter; TCP clients (the tests) use passwords (SCRAM).
	if ! ci_pg_as "$bin/initdb" -D "$data" -U postgres --auth-local=trust \
		--auth-host=scram-sha-256 --encoding=UTF8 --no-locale --no-sync \
		>"$st/pg/initdb.log" 2>&1; then
		ci_tail "$st/pg/initdb.log"
		ci_die "initdb failed"
	fi
	# fsync=off: a test server's data need not survive a machine crash.
	# The replica copies this file; its own lines are appended below.
	cat >>"$data/postgresql.conf" <<EOF

# ---- Grant test server (.ci/lib.sh)
listen_addresses = '127.0.0.1'
port = $CI_PG_PRIMARY_PORT
unix_socket_directories = '$st/pg/sock'
cluster_name = 'grant-primary'
max_connections = 200
max_prepared_transactions = 64
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
hot_standby_feedback = on
wal_retrieve_retry_interval = '1s'
fsync = off
timezone = 'UTC'
log_timezone = 'UTC'
EOF
	ci_pg_start "$st" primary || exit 1

	# Made before the base backup, so the replica starts with them.
	# pg_monitor lets the app read pg_stat_replication in full.
	ci_pg_sql "$st" primary postgres "
CREATE ROLE $CI_APP_USER LOGIN CREATEDB PASSWORD '$CI_APP_PASSWORD';
GRANT pg_monitor TO $CI_APP_USER;" >/dev/null
	# Function privileges live in each database's own catalog: grant them
	# in template1, which grant_test and the sharding tests' databases are
	# copied from. pg_wal_replay_pause/resume are superuser-only until
	# granted; the others are public already and granted for clarity.
	local db
	for db in template1 postgres; do
		ci_pg_sql "$st" primary "$db" "
GRANT EXECUTE ON FUNCTION
	pg_wal_replay_pause(), pg_wal_replay_resume(), pg_is_wal_replay_paused(),
	pg_last_wal_replay_lsn(), pg_last_xact_replay_timestamp(), pg_current_wal_lsn()
	TO $CI_APP_USER;" >/dev/null
	done
	ci_pg_sql "$st" primary postgres "CREATE DATABASE $CI_APP_DB OWNER $CI_APP_USER" >/dev/null

	# -C -S: a physical slot keeps the WAL the replica has not received
	# yet, so a stopped replica catches up when it starts again.
	# -R: standby.signal + primary_conninfo (over the Unix socket).
	if ! ci_pg_as "$bin/pg_basebackup" -h "$st/pg/sock" -p "$CI_PG_PRIMARY_PORT" -U postgres \
		-D "$st/pg/replica" -R -X stream -C -S "$CI_PG_SLOT" --checkpoint=fast --no-sync \
		>"$st/pg/basebackup.log" 2>&1; then
		ci_tail "$st/pg/basebackup.log"
		ci_die "pg_basebackup failed"
	fi
	# Later lines win: the replica's own port and name; the rest (including
	# max_prepared_transactions, which must be >= the primary's) is copied.
	cat >>"$st/pg/replica/postgresql.conf" <<EOF
port = $CI_PG_REPLICA_PORT
cluster_name = 'grant-replica'
EOF
	ci_pg_start "$st" replica || exit 1
	ci_wait 60 "the PostgreSQL replica to be in recovery" ci_pg_in_recovery "$st" || exit 1
	ci_pg_wait_replication "$st" || exit 1
	local lsn
	lsn=$(ci_pg_sql "$st" primary postgres "SELECT pg_current_wal_lsn()")
	ci_wait 60 "the PostgreSQL replica to replay $lsn" ci_pg_caught_up "$st" "$lsn" || exit 1
	ci_log "PostgreSQL primary :$CI_PG_PRIMARY_PORT and streaming replica :$CI_PG_REPLICA_PORT ready in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------- MariaDB

ci_my_port() { if [[ $1 == primary ]]; then echo "$CI_MY_PRIMARY_PORT"; else echo "$CI_MY_REPLICA_PORT"; fi; }

# ci_my_sql DIR ROLE SQL: run SQL as root over the Unix socket (root is
# authenticated by unix_socket: only the OS root gets in, and not over TCP).
ci_my_sql() {
	local st=$1 role=$2 sql=$3
	mariadb --no-defaults --socket="$st/my/$role.sock" -uroot --batch --skip-column-names -e "$sql"
}

ci_my_pid() {
	local pidfile=$1/my/$2.pid pid
	[[ -f $pidfile ]] || return 1
	pid=$(<"$pidfile")
	[[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
	printf '%s\n' "$pid"
}

ci_my_running() { ci_my_pid "$1" "$2" >/dev/null; }

ci_my_ping() {
	mariadb-admin --no-defaults --socket="$1/my/$2.sock" -uroot --connect-timeout=2 ping
}

ci_my_start() {
	local st=$1 role=$2 id=1
	ci_my_running "$st" "$role" && return 0
	local -a args=(
		--no-defaults
		--user=mysql
		--datadir="$st/my/$role"
		--socket="$st/my/$role.sock"
		--pid-file="$st/my/$role.pid"
		--log-error="$st/my/$role.err"
		--port="$(ci_my_port "$role")"
		--bind-address=127.0.0.1
		--skip-name-resolve
		--log-bin="$role-bin"
		--relay-log="$role-relay-bin"
		--binlog-format=ROW
		# The app user may create functions that write (tests of
		# routing.PreventWrites and routing.primary_functions).
		--log-bin-trust-function-creators=1
		--max-connections=300
		--character-set-server=utf8mb4
		--collation-server=utf8mb4_general_ci
		--default-time-zone=+00:00
		# Test servers: no flush per commit.
		--innodb-flush-log-at-trx-commit=2
		--sync-binlog=0
	)
	if [[ $role == replica ]]; then
		id=2
		# read_only stops every writer without READ ONLY ADMIN (or SUPER
		# or ALL): the app user gets error 1290, the replication threads
		# still apply.
		args+=(--read-only --log-slave-updates)
	fi
	args+=(--server-id="$id")
	# setsid: detach from the caller's session and terminal.
	setsid mariadbd "${args[@]}" </dev/null >>"$st/my/$role.out" 2>&1 &
	local pid=$!
	local deadline=$((SECONDS + 120))
	until ci_my_ping "$st" "$role" >/dev/null 2>&1; do
		if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
			ci_tail "$st/my/$role.out"
			ci_tail "$st/my/$role.err"
			ci_log "error: MariaDB $role did not start"
			return 1
		fi
		sleep 0.2
	done
}

ci_my_stop() {
	local st=$1 role=$2 pid
	pid=$(ci_my_pid "$st" "$role") || return 0
	# SIGTERM is a normal shutdown (as mariadb-admin shutdown); wait for the
	# process to go, then make sure.
	kill -TERM "$pid" 2>/dev/null || true
	if ! ci_wait 120 "MariaDB $role to stop" ci_pid_gone "$pid"; then
		kill -KILL "$pid" 2>/dev/null || true
		ci_wait 10 "MariaDB $role to die" ci_pid_gone "$pid" || true
	fi
}

ci_pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# ci_my_slave_field DIR FIELD: a field of SHOW SLAVE STATUS on the replica
# (batch output: a tab-separated header line, then the values).
ci_my_slave_field() {
	mariadb --no-defaults --socket="$1/my/replica.sock" -uroot --batch -e "SHOW SLAVE STATUS" |
		awk -F'\t' -v f="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == f) c = i; next } c { print $c; exit }'
}

ci_my_replicating() {
	[[ $(ci_my_slave_field "$1" Slave_IO_Running) == Yes &&
		$(ci_my_slave_field "$1" Slave_SQL_Running) == Yes ]]
}

# ci_my_resume_replication DIR: START SLAVE (a no-op with a warning when it
# runs) and, with the primary up, wait until both threads run.
ci_my_resume_replication() {
	local st=$1
	ci_my_running "$st" replica || return 0
	ci_my_sql "$st" replica "START SLAVE" >/dev/null
	ci_my_running "$st" primary || return 0
	ci_wait 60 "MariaDB replication threads to run" ci_my_replicating "$st" || {
		ci_log "SHOW SLAVE STATUS: IO=$(ci_my_slave_field "$st" Slave_IO_Running)" \
			"SQL=$(ci_my_slave_field "$st" Slave_SQL_Running)" \
			"$(ci_my_slave_field "$st" Last_IO_Error) $(ci_my_slave_field "$st" Last_SQL_Error)"
		ci_tail "$st/my/replica.err"
		return 1
	}
}

ci_my_setup() {
	local st=$1 t0=$SECONDS
	# unix_socket authentication for root (see ci_my_sql).
	if ! mariadb-install-db --no-defaults --user=mysql --datadir="$st/my/primary" \
		--auth-root-authentication-method=socket --skip-test-db \
		--skip-name-resolve >"$st/my/install.log" 2>&1; then
		ci_tail "$st/my/install.log"
		ci_die "mariadb-install-db failed"
	fi
	# The replica starts from a copy of the fresh datadir: quicker than a
	# second install, and MariaDB keeps no server identity in it (the
	# server ids come from --server-id).
	cp -a --sparse=always "$st/my/primary" "$st/my/replica"
	ci_my_start "$st" primary || exit 1
	ci_my_start "$st" replica || exit 1

	# Written to the primary's binlog, so the replica applies it as well.
	# The app user's global privileges, in MariaDB 10.11 names:
	#   PROCESS         SHOW PROCESSLIST, information_schema.PROCESSLIST
	#   BINLOG MONITOR  (alias REPLICATION CLIENT) SHOW MASTER STATUS,
	#                   SHOW BINARY LOGS on the primary
	#   SLAVE MONITOR   (alias REPLICA MONITOR) SHOW SLAVE/REPLICA STATUS:
	#                   REPLICATION CLIENT alone no longer allows it
	# None of them bypasses read_only (only READ ONLY ADMIN, SUPER or ALL
	# would). XA RECOVER/COMMIT/ROLLBACK need no privilege of their own.
	# `grant\_test%` is a database-name pattern: grant_test and the
	# sharding tests' grant_test_s0, grant_test_s1, ...
	local host app=""
	for host in 127.0.0.1 localhost; do
		app+="
CREATE USER '$CI_APP_USER'@'$host' IDENTIFIED BY '$CI_APP_PASSWORD';
GRANT ALL PRIVILEGES ON \`grant\\_test%\`.* TO '$CI_APP_USER'@'$host';
GRANT PROCESS, BINLOG MONITOR, SLAVE MONITOR ON *.* TO '$CI_APP_USER'@'$host';"
	done
	ci_my_sql "$st" primary "
CREATE USER '$CI_MY_REPL_USER'@'127.0.0.1' IDENTIFIED BY '$CI_MY_REPL_PASSWORD';
GRANT REPLICATION SLAVE ON *.* TO '$CI_MY_REPL_USER'@'127.0.0.1';
$app
CREATE DATABASE $CI_APP_DB;"

	# The replica starts from an empty gtid_slave_pos, so it fetches the
	# primary's binlog from its beginning (the statements above included).
	# MASTER_CONNECT_RETRY=1: reconnect within a second after the primary
	# restarts (the default is a minute).
	ci_my_sql "$st" replica "
CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$CI_MY_PRIMARY_PORT,
	MASTER_USER='$CI_MY_REPL_USER', MASTER_PASSWORD='$CI_MY_REPL_PASSWORD',
	MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;"
	ci_my_resume_replication "$st" || exit 1
	local pos caught
	pos=$(ci_my_sql "$st" primary "SELECT @@gtid_binlog_pos")
	caught=$(ci_my_sql "$st" replica "SELECT MASTER_GTID_WAIT('$pos', 60)")
	[[ $caught == 0 ]] || ci_die "the MariaDB replica did not reach GTID $pos"
	ci_log "MariaDB primary :$CI_MY_PRIMARY_PORT and replica :$CI_MY_REPLICA_PORT ready in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------- all servers

# ci_check_ports: fail when another program holds one of our ports.
ci_check_ports() {
	local port busy=""
	for port in "$CI_PG_PRIMARY_PORT" "$CI_PG_REPLICA_PORT" "$CI_MY_PRIMARY_PORT" "$CI_MY_REPLICA_PORT"; do
		if [[ -n $(ss -Hltn "sport = :$port") ]]; then
			busy+=$'\n'"$(ss -Hltnp "sport = :$port")"
		fi
	done
	[[ -z $busy ]] || ci_die "test-server ports are in use by other programs:$busy"
}

# ci_start_all DIR: start and wire up all four servers; write DIR/env.
ci_start_all() {
	local st=$1 t0=$SECONDS
	ci_check_ports
	# The two stacks are independent: set them up side by side. Each runs in
	# a subshell with its own errexit; failures print their own logs.
	(ci_pg_setup "$st") &
	local pg=$!
	(ci_my_setup "$st") &
	local my=$!
	local rc=0
	wait "$pg" || rc=1
	wait "$my" || rc=1
	((rc == 0)) || ci_die "the test servers did not start"
	ci_write_env "$st"
	ci_log "test servers ready in $((SECONDS - t0))s (state in $st)"
}

# ci_stop_all DIR: stop every server of DIR (replicas first) and remove DIR.
ci_stop_all() {
	local st=$1
	[[ -n $st && -d $st ]] || return 0
	ci_pg_stop "$st" replica || true
	ci_my_stop "$st" replica || true
	ci_pg_stop "$st" primary || true
	ci_my_stop "$st" primary || true
	# Any server the pid files missed (a start cut short by a signal).
	ci_kill_servers "$st"
	ci_state_remove "$st"
}

# ci_find_servers: "PID STATE-DIR" for each running test server, one a line.
# A PostgreSQL postmaster started by pg_ctl has "-D <data>" in its command
# line, a mariadbd "--datadir=<data>"; either lies in STATE-DIR/pg or
# STATE-DIR/my, and STATE-DIR's name starts with CI_STATE_PREFIX. PostgreSQL's
# child processes rewrite their command lines and so never match.
ci_find_servers() {
	local pid data
	{ pgrep -x postgres || true; pgrep -x mariadbd || true; } | while read -r pid; do
		data=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" |
			awk 'prev == "-D" { print; exit } /^--datadir=/ { sub(/^--datadir=/, ""); print; exit } { prev = $0 }') || continue
		[[ -n $data ]] || continue
		data=$(dirname "$(dirname "$data")")
		[[ $(basename "$data") == "$CI_STATE_PREFIX"* ]] || continue
		printf '%s %s\n' "$pid" "$data"
	done
}

# ci_find_states: state directories of running test servers, one a line.
ci_find_states() {
	local pid st
	ci_find_servers | while read -r pid st; do
		[[ -f $st/.grant-ci-state ]] && printf '%s\n' "$st"
	done | sort -u
}

# ci_kill_servers [DIR]: stop the test servers found by their command lines
# (all of them, or those of DIR), even when their state directory is gone,
# and remove their state directories: SIGINT is PostgreSQL's fast shutdown,
# SIGTERM MariaDB's normal one.
ci_kill_servers() {
	local only=${1:-} pid st comm
	local -a states=()
	while read -r pid st; do
		[[ -z $only || $st == "$only" ]] || continue
		comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
		ci_log "stopping leftover test server $comm (pid $pid) of $st"
		if [[ $comm == postgres ]]; then kill -INT "$pid"; else kill -TERM "$pid"; fi 2>/dev/null || true
		if ! ci_wait 120 "$comm (pid $pid) to stop" ci_pid_gone "$pid"; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
		states+=("$st")
	done < <(ci_find_servers)
	for st in "${states[@]}"; do
		ci_state_remove "$st"
	done
}

# ci_stop_leftovers: stop the test servers of earlier runs that were not
# cleaned up (killed runs, `.ci/servers start` without stop).
ci_stop_leftovers() { ci_kill_servers; }
