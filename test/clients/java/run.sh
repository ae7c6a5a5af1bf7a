#!/bin/sh
# Builds and runs the Java JAX-WS client the way an integrator does:
#   1. wsimport generates the stubs from the WSDL URL the server serves (package org.otrs.ticketconnector),
#   2. javac compiles them with OtrsCustomerUserUpdate.java against Debian's JAX-WS RI jars,
#   3. java runs the client against the endpoint; it prints ONE JSON document on stdout.
# Everything else (wsimport's progress and warnings, timings) goes to stderr.
#
# Usage: sh run.sh <WSDL URL> [<endpoint URL>]     (endpoint: default the WSDL URL without "?wsdl")
# Needs: Debian 12 packages openjdk-17-jdk-headless (java, javac) and jaxws (wsimport, libjaxws-java).
# JAXWS_CLASSPATH overrides the runtime classpath (default /usr/share/java/jaxws-rt.jar, whose manifest lists the
# rest of the JAX-WS RI and JAXB).
set -eu

WSDL_URL=${1:?usage: run.sh <WSDL URL> [<endpoint URL>]}
ENDPOINT=${2:-${WSDL_URL%%\?*}}
HERE=$(cd "$(dirname "$0")" && pwd)
CP=${JAXWS_CLASSPATH:-/usr/share/java/jaxws-rt.jar}

missing=
for tool in java javac wsimport; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
[ -r "${CP%%:*}" ] || missing="$missing ${CP%%:*}"
if [ -n "$missing" ]; then
    echo "run.sh: missing:$missing -- install Debian's packages: apt-get install -y --no-install-recommends openjdk-17-jdk-headless jaxws" >&2
    exit 3
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/otrs-jaxws-XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
mkdir -p "$WORK/src" "$WORK/classes"

now() { date +%s.%N; }
t0=$(now)
# -Xnocompile: javac below compiles the stubs together with the client.
wsimport -Xnocompile -keep -encoding UTF-8 -s "$WORK/src" -d "$WORK/classes" -p org.otrs.ticketconnector "$WSDL_URL" >&2
t1=$(now)
javac -nowarn -encoding UTF-8 -cp "$CP" -d "$WORK/classes" "$WORK"/src/org/otrs/ticketconnector/*.java "$HERE/OtrsCustomerUserUpdate.java" >&2
t2=$(now)
java -cp "$WORK/classes:$CP" OtrsCustomerUserUpdate "$WSDL_URL" "$ENDPOINT"
t3=$(now)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN { printf "run.sh: wsimport %.1fs, javac %.1fs, client %.1fs\n", b - a, c - b, d - c }' >&2
