#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the iokit selftests in this directory and print one KTAP document:
# each test program is a subtest whose own KTAP output is indented by "# ",
# as tools/testing/selftests/run_kselftest.sh does.  Exit status: 0 if no
# program failed.  Usage: run_selftests.sh [PROGRAM...]
cd "$(dirname "$0")" || exit 1
[ $# -gt 0 ] || set -- version_test registry_test notification_test libiokit_test \
	hotplug_test driver_test loader_test fault_test race_test security_test user_client_test \
	user_client_test32 user_client_memory_test user_client_memory_test32 \
	user_client_policy_test user_client_kernel_test user_client_fuzz module_test
timeout=${IOKIT_TEST_TIMEOUT:-900}

echo "TAP version 13"
echo "1..$#"
n=0
failed=0
for t in "$@"; do
	n=$((n + 1))
	echo "# selftests: iokit: $t"
	out=$(mktemp)
	timeout "$timeout" "./$t" >"$out" 2>&1
	rc=$?
	sed 's/^/# /' "$out"
	rm -f "$out"
	case $rc in
	0) echo "ok $n selftests: iokit: $t" ;;
	4) echo "ok $n selftests: iokit: $t # SKIP" ;;
	124|143) echo "not ok $n selftests: iokit: $t # TIMEOUT ${timeout}s"; failed=1 ;;
	*) echo "not ok $n selftests: iokit: $t # exit=$rc"; failed=1 ;;
	esac
done
exit $failed
