# SPDX-License-Identifier: GPL-2.0-only
#
# iokit top-level build.  The common targets:
#   make            build kmod/iokit.ko against KDIR, the tools, the selftests
#   make run        boot a guest with iokit.ko loaded and real devices
#                   (make run CMD='...' runs a command and exits with it)
#   make check      everything, on Debian 6.1, 6.12 and the debug kernel;
#                   ends with "N passed, N failed"
#   make lint       checkpatch --strict, sparse and W=1, zero findings
#   make bench      benchmarks, printed as ratios measured in one run
# KVER=6.1|6.12|debug|<release> picks a kernel; KDIR= a build tree directly.

TOP := $(CURDIR)
B := $(TOP)/build
VM := $(TOP)/tools/vm

# ---- kernel selection -----------------------------------------------------
# Default: the running kernel's build tree; on a machine without one (a CI
# container, say) the newest installed Debian kernel.
ifeq ($(KDIR),)
  ifneq ($(KVER),)
    KDIR := $(shell $(VM)/iokit-kernel kdir $(KVER))
  else ifneq ($(wildcard /lib/modules/$(shell uname -r)/build),)
    KDIR := /lib/modules/$(shell uname -r)/build
  else
    KDIR := $(shell $(VM)/iokit-kernel kdir 6.12 2>/dev/null)
  endif
endif
# The release names the per-kernel build folders.  Debian's 6.1 headers
# say "6.1.192" in kernel.release, not the package's "6.1.0-56-amd64", so
# a named kernel takes its release from iokit-kernel.
ifneq ($(KVER),)
  KREL := $(shell $(VM)/iokit-kernel release $(KVER))
else
  KREL := $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
endif

CC ?= gcc
USER_CFLAGS := -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-I$(TOP)/uapi -I$(TOP)/tools/lib/include

.PHONY: all deps kmod kmod-for tools selftests lint check run bench clean help

all: kmod tools selftests

help:
	@sed -n '2,12s/^# \{0,1\}//p' Makefile

deps:
	@$(TOP)/tools/build/install-deps

$(B)/ksrc/.stamp:
	@$(TOP)/tools/build/install-deps

# ---- the module -----------------------------------------------------------
# kmod: in-tree build, kmod/iokit.ko, for KDIR.
kmod:
	@test -n "$(KDIR)" || { echo "no kernel build tree: make deps, or set KDIR/KVER" >&2; exit 1; }
	@$(TOP)/tools/build/compat-probe $(KDIR) $(B)/compat/$(KREL)
	$(MAKE) -C $(KDIR) M=$(TOP) IOKIT_COMPAT_DIR=$(B)/compat/$(KREL) $(KBUILD_EXTRA) modules

# kmod-for: build in build/kmod/<release>, a tree of symlinks to the
# sources, so modules for several kernels coexist (used by iokit-vm/check).
# The checking kernels' builds (debug, kcsan) are test builds, with the
# delay points the stress tests use (kmod/io_test_hooks.h).
kmod-for:
	@test -n "$(KDIR)" || { echo "no kernel build tree for KVER=$(KVER)" >&2; exit 1; }
	@$(TOP)/tools/build/compat-probe $(KDIR) $(B)/compat/$(KREL)
	@$(TOP)/tools/build/shadow-tree $(TOP) $(B)/kmod/$(KREL)
	$(MAKE) -s -C $(KDIR) M=$(B)/kmod/$(KREL) IOKIT_COMPAT_DIR=$(B)/compat/$(KREL) \
		$(if $(filter debug kcsan,$(KVER)),IOKIT_TEST_HOOKS=1) $(KBUILD_EXTRA) modules

# ---- user space -----------------------------------------------------------
TOOL_BINS := $(B)/bin/iokit-vm-hotplug $(B)/bin/registry_bench $(B)/bin/user_client_bench

# libiokit (build/lib), ioreg and iokitctl (build/bin) have Makefiles of
# their own.
tools: $(TOOL_BINS)
	$(MAKE) -C tools/lib OUTPUT=$(B)/lib
	$(MAKE) -C tools/ioreg OUTPUT=$(B)/bin LIBDIR=$(B)/lib
	$(MAKE) -C tools/iokitctl OUTPUT=$(B)/bin LIBDIR=$(B)/lib

$(B)/bin/registry_bench: tools/bench/registry_bench.c kmod/shared/os_serial.c \
		kmod/shared/os_serial.h uapi/linux/iokit.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Ikmod/shared -o $@ $(filter %.c,$^)

$(B)/bin/user_client_bench: tools/bench/user_client_bench.c kmod/shared/os_serial.c \
		kmod/shared/os_serial.h uapi/linux/iokit.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Ikmod/shared -o $@ $(filter %.c,$^)

$(B)/bin/iokit-vm-hotplug: tools/vm/iokit-vm-hotplug.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $<

selftests: $(B)/ksrc/.stamp tools
	$(MAKE) -C selftests/iokit OUTPUT=$(B)/selftests KSFT_INCLUDE=$(B)/ksrc/include \
		UAPI_INCLUDE=$(TOP)/uapi LIBIOKIT=$(B)/lib/libiokit.a

# ---- checks ---------------------------------------------------------------
lint: $(B)/ksrc/.stamp
	@$(TOP)/tools/build/lint

check: deps
	@$(TOP)/tools/build/check

# Benchmarks print ratios measured within one run, in the guest.
bench: deps tools
	@$(VM)/iokit-vm --kernel $(or $(KVER),6.12) -- \
		'echo 1 > /sys/module/iokit/parameters/test_interface && registry_bench && \
		 user_client_bench'

run: deps all
	@$(VM)/iokit-vm --kernel $(or $(KVER),6.12) $(if $(CMD),-- '$(subst ','\'',$(CMD))')

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
	rm -rf $(B)/bin $(B)/selftests $(B)/kmod $(B)/compat
