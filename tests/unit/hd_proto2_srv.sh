#!/usr/bin/env bash
# tests/unit/hd_proto2_srv.sh start DIR PID | stop DIR: the real Debian servers
# unit_hd_proto2 checks, each with a throwaway configuration under DIR, all
# on 127.0.0.1 and ::1 of the caller's network namespace (the test unshares
# its own before it runs this; nothing here listens anywhere else), and a
# link whose far address 10.99.0.2 never answers (a black hole):
#   slapd      389 (ldap) and 636 (ldaps, a self-signed certificate):
#              dc=example,dc=com, rootdn cn=admin,dc=example,dc=com / secret
#   mariadbd   3306: user chk / pw, database db, table t (ok) = one row (1)
#   postgres   5432: the same user, database and table (run as postgres)
#   freeradius 1812: client 127.0.0.1 secret testing123, users alice / wonder
#              and carol / pw (whose replies carry a Message-Authenticator)
# start returns when all four answer (each bounded in time), or fails
# naming the one that did not; stop kills them by their pid files.  Should
# the test (PID) die without stopping them, a watcher started with them
# stops them and removes DIR.
set -u
cmd=$1 dir=$2 owner=${3:-}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

# wait_for WHAT TRIES CMD...: CMD until it succeeds, 0.1 s apart.
wait_for() {
	local what=$1 tries=$2 i
	shift 2
	for ((i = 0; i < tries; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "hd_proto2_srv: $what did not come up" >&2
	return 1
}

start_slapd() {
	local d=$dir/ldap
	mkdir -p "$d/db"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -subj /CN=localhost -days 2 -keyout "$d/key.pem" \
		-out "$d/cert.pem" 2>/dev/null || return 1
	cat >"$d/slapd.conf" <<-EOF
	include /etc/ldap/schema/core.schema
	pidfile $d/slapd.pid
	modulepath /usr/lib/ldap
	moduleload back_mdb
	TLSCertificateFile $d/cert.pem
	TLSCertificateKeyFile $d/key.pem
	database mdb
	maxsize 10485760
	suffix "dc=example,dc=com"
	rootdn "cn=admin,dc=example,dc=com"
	rootpw secret
	directory $d/db
	EOF
	printf 'dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n' \
		>"$d/base.ldif"
	slapadd -q -f "$d/slapd.conf" -l "$d/base.ldif" >"$d/slapadd.log" 2>&1 ||
		return 1
	slapd -f "$d/slapd.conf" -h "ldap://127.0.0.1:389/ ldaps://127.0.0.1:636/ ldap://[::1]:389/" \
		>"$d/slapd.log" 2>&1 || return 1
	wait_for slapd 100 ldapsearch -x -H ldap://127.0.0.1:389 -s base \
		-b dc=example,dc=com
}

start_mariadb() {
	local d=$dir/mysql
	mkdir -p "$d"
	mariadb-install-db --no-defaults --datadir="$d/data" --user=root \
		--skip-test-db --skip-name-resolve >"$d/install.log" 2>&1 ||
		return 1
	mariadbd --no-defaults --datadir="$d/data" --user=root \
		--bind-address=127.0.0.1,::1 --port=3306 --socket="$d/sock" \
		--pid-file="$d/mysqld.pid" --skip-name-resolve --skip-log-bin \
		--innodb-buffer-pool-size=16M --log-error="$d/error.log" \
		>/dev/null 2>&1 &
	wait_for mariadbd 200 mariadb --no-defaults -S "$d/sock" -uroot \
		-e 'SELECT 1' || return 1
	mariadb --no-defaults -S "$d/sock" -uroot -e "
		CREATE DATABASE db; CREATE USER 'chk'@'%' IDENTIFIED BY 'pw';
		GRANT ALL ON db.* TO 'chk'@'%';
		CREATE TABLE db.t (ok INT); INSERT INTO db.t VALUES (1);"
}

start_pgsql() {
	local d=$dir/pg
	mkdir -p "$d/sock"
	chown -R postgres: "$d"
	printf 'pw\n' >"$d/pw" && chown postgres: "$d/pw"
	runuser -u postgres -- "$PGBIN/initdb" -D "$d/data" -U postgres \
		--pwfile="$d/pw" --auth-local=trust --auth-host=scram-sha-256 \
		--no-sync >"$d/initdb.log" 2>&1 || return 1
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$d/data" -l "$d/pg.log" -w \
		-t 20 -o "-c listen_addresses=127.0.0.1,::1 -c port=5432 \
		-c unix_socket_directories=$d/sock -c fsync=off" start \
		>/dev/null 2>&1 || return 1
	runuser -u postgres -- psql -q -h "$d/sock" -U postgres -v ON_ERROR_STOP=1 \
		-c "CREATE USER chk PASSWORD 'pw'" -c "CREATE DATABASE db OWNER chk" \
		>/dev/null || return 1
	runuser -u postgres -- psql -q -h "$d/sock" -U chk -d db -v ON_ERROR_STOP=1 \
		-c "CREATE TABLE t (ok INT)" -c "INSERT INTO t VALUES (1)" >/dev/null
}

start_radius() {
	local d=$dir/radius
	mkdir -p "$d"
	touch "$d/dictionary"
	# carol's replies carry a Message-Authenticator (freeradius signs it)
	printf '%s\n' 'alice Cleartext-Password := "wonder"' \
		'carol Cleartext-Password := "pw"' \
		'	Message-Authenticator = 0x00' >"$d/users"
	cat >"$d/radiusd.conf" <<-EOF
	prefix = /usr
	raddbdir = $d
	confdir = $d
	logdir = $d
	run_dir = $d
	libdir = /usr/lib/freeradius
	pidfile = $d/radiusd.pid
	log {
		destination = files
		file = $d/radius.log
	}
	security {
		allow_vulnerable_openssl = yes
	}
	client local {
		ipaddr = 127.0.0.1
		secret = testing123
	}
	client local6 {
		ipv6addr = ::1
		secret = testing123
	}
	modules {
		pap {
		}
		files {
			filename = $d/users
		}
	}
	server default {
		listen {
			type = auth
			ipaddr = 127.0.0.1
			port = 1812
		}
		listen {
			type = auth
			ipv6addr = ::1
			port = 1812
		}
		authorize {
			files
			pap
		}
		authenticate {
			Auth-Type PAP {
				pap
			}
		}
	}
	EOF
	freeradius -d "$d" -n radiusd >"$d/start.log" 2>&1 || return 1
	wait_for freeradius 50 test -s "$d/radiusd.pid"
}

stop_all() {
	local f
	for f in "$dir"/ldap/slapd.pid "$dir"/mysql/mysqld.pid \
		 "$dir"/radius/radiusd.pid; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	if [ -d "$dir/pg/data" ]; then
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/pg/data" -m immediate \
			-w -t 10 stop >/dev/null 2>&1
	fi
	return 0
}

case $cmd in
start)
	ip link set lo up || exit 1
	# The black hole: a veth whose peer drops every frame (none is for its
	# MAC), the far address's neighbour entry fixed so no ARP is needed.
	ip link add hd_hole type veth peer name hd_hole_p &&
		ip addr add 10.99.0.1/24 dev hd_hole && ip link set hd_hole up &&
		ip link set hd_hole_p up &&
		ip neigh add 10.99.0.2 lladdr 02:00:00:00:99:02 dev hd_hole \
			nud permanent || exit 1
	chmod 755 "$dir"
	# The four start at once; each is bounded, and the slowest decides.
	start_slapd & a=$!
	start_mariadb & b=$!
	start_pgsql & c=$!
	start_radius & e=$!
	rc=0
	wait $a || { echo "hd_proto2_srv: slapd failed" >&2; rc=1; }
	wait $b || { echo "hd_proto2_srv: mariadb failed" >&2; rc=1; }
	wait $c || { echo "hd_proto2_srv: postgresql failed" >&2; rc=1; }
	wait $e || { echo "hd_proto2_srv: freeradius failed" >&2; rc=1; }
	if [ -n "$owner" ]; then
		(
			while [ -d "/proc/$owner" ]; do sleep 0.5; done
			stop_all
			rm -rf "$dir"
		) </dev/null >/dev/null 2>&1 &
	fi
	exit $rc
	;;
stop)
	stop_all
	;;
*)
	echo "usage: $0 start DIR [PID] | stop DIR" >&2
	exit 2
	;;
esac
