#!/bin/bash
# Regenerates the golden messages in this folder with Debian's heartbeat
# 3.0.6 libraries.  One-off: needs `apt-get install heartbeat cluster-glue-dev
# libheartbeat2-dev libglib2.0-dev` (libplumb2 and the HBauth plugins, and
# their headers); the unit test only reads the files.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O1 -Wall -Wextra -Werror -I/usr/include/heartbeat $(pkg-config --cflags glib-2.0) \
	-o "$tmp/gen" gen.c /usr/lib/libplumb.so.2 -ldl
rm -f ./*.bin ./*.classic
"$tmp/gen"
ls -l ./*.bin ./*.classic
