# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# KTAP for the guest's stages, in the nested form tools/build/ktap-count
# reads: "# selftests: packaging: STAGE", then one "# ok N WHAT" or
# "# not ok N WHAT" per check, the failing command's output indented.

ktap_n=0
ktap_failed=0

ktap_begin() { # ktap_begin STAGE
	echo "# selftests: packaging: $1"
}

check() { # check WHAT COMMAND...: one test case
	local what=$1 out
	shift
	ktap_n=$((ktap_n + 1))
	if out=$("$@" 2>&1); then
		echo "# ok $ktap_n $what"
	else
		echo "# not ok $ktap_n $what"
		ktap_failed=1
		[ -n "$out" ] && printf '%s\n' "$out" | tail -n 20 | sed 's/^/#   /'
	fi
	return 0
}

ktap_end() { # ktap_end: exit 0 if every check passed
	echo "# packaging: $ktap_n checks"
	exit "$ktap_failed"
}

# within SECONDS COMMAND...: COMMAND succeeds within SECONDS
within() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 1
	done
}

# Every file with "iokit" in its name on the root file system, sorted:
# the module source, DKMS's tree and builds, the unit's enablement links
# and the packages' files all have it.  Before the install there are
# only the guest's own (its stage agent); a purge must leave just those.
IOKIT_BEFORE=/var/lib/files-before-install

files_of_ours() {
	find / -xdev -iname '*iokit*' -print 2>/dev/null | sort
}

no_files_but_the_guests() {
	files_of_ours | grep -v -e iokit-guest-stage -e '/serial-getty@ttyS0.service.d/' |
		{ ! grep .; }
}

only_the_files_of_before() {
	files_of_ours | diff -u "$IOKIT_BEFORE" - | grep '^[+-]/' | { ! grep .; }
}
