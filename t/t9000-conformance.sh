#!/bin/sh
# Debian dgit's own test suite: the tests listed in t/conformance/passing
# must pass with this dgit, run by t/conformance/run.sh (which fetches
# dgit's source package with our own download-source, once, into
# $BUILD/conformance).  One TAP line per test.

T=$(cd "$(dirname "$0")" && pwd)
: "${BUILD:=$T/../build}"
: "${DGIT:=$T/../dgit/dgit}"

# The sanitized build is slow for this; the normal one is what it checks.
# The build-modes tests build binary packages in many clean modes (a
# minute or more each on 2 cores): a limit well above that.
DGIT_TEST=$DGIT DGIT_FETCH=$DGIT \
CONFORMANCE_TIMEOUT=${CONFORMANCE_TIMEOUT:-900} \
CONFORMANCE_DIR=$BUILD/conformance \
CONFORMANCE_LIST=$T/conformance/passing \
CONFORMANCE_TAP=1 \
	sh "$T/conformance/run.sh"
