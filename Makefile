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
#   make install    by hand: the module into updates/, the tools, library,
#                   headers, udev rule and loader service (make uninstall)
#   make deb        the Debian packages, into build/deb (lintian-checked)
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

.PHONY: all deps kmod kmod-for tools userspace selftests lint check run bench clean help \
	version install install-kmod install-tools install-system install-dkms-source \
	uninstall uninstall-dkms-source deb

# The module's version (kmod/iokit_internal.h) is the packages' too.
VERSION := $(shell sed -n 's/^\#define IOKIT_MODULE_VERSION[[:space:]]*"\(.*\)"/\1/p' \
	     $(TOP)/kmod/iokit_internal.h)

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
tools: $(TOOL_BINS) userspace

# What is installed: libiokit, ioreg, iokitctl.
userspace:
	$(MAKE) -C tools/lib OUTPUT=$(B)/lib
	$(MAKE) -C tools/ioreg OUTPUT=$(B)/bin LIBIOKIT_DIR=$(B)/lib
	$(MAKE) -C tools/iokitctl OUTPUT=$(B)/bin LIBIOKIT_DIR=$(B)/lib

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

# ---- installing -------------------------------------------------------------
# By hand, "make install" as root puts everything where a system finds it
# and turns it on; packagers use DESTDIR and the parts (debian/rules).
# System files go under /etc unless told otherwise: they are the
# administrator's, not the distribution's.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= /etc/systemd/system
UDEVRULESDIR ?= /etc/udev/rules.d
MODULESLOADDIR ?= /etc/modules-load.d
MODPROBEDIR ?= /etc/modprobe.d
SYSUSERSDIR ?= /etc/sysusers.d
# The release modprobe looks under is the one uname -r says (Debian's 6.1
# headers' kernel.release does not say it).
UTS_RELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
		$(KDIR)/include/generated/utsrelease.h)
MODDIR = /lib/modules/$(UTS_RELEASE)/updates
PKG := $(TOP)/tools/packaging
TOOL_DIRS := PREFIX=$(PREFIX) BINDIR=$(BINDIR) SBINDIR=$(SBINDIR) LIBDIR=$(LIBDIR) \
	INCLUDEDIR=$(INCLUDEDIR) MANDIR=$(MANDIR)
DKMS_SRC = /usr/src/iokit-$(VERSION)
# Installed modules: iokit.ko and its sample driver, never the test drivers.
INSTALLED_KOS := kmod/iokit.ko kmod/samples/iokit_edu.ko

version:
	@echo $(VERSION)

install: install-kmod install-tools install-system
ifeq ($(DESTDIR),)
	ldconfig
	systemd-sysusers $(SYSUSERSDIR)/iokit.conf 2>/dev/null || \
		getent group iokit >/dev/null || groupadd --system iokit
	-udevadm control --reload
	-systemctl daemon-reload && systemctl enable iokit-loader.service
endif

install-kmod: kmod
	install -d $(DESTDIR)$(MODDIR)
	install -m 0644 $(INSTALLED_KOS) $(DESTDIR)$(MODDIR)/
ifeq ($(DESTDIR),)
	depmod -a $(UTS_RELEASE)
endif

install-tools: userspace
	$(MAKE) -C tools/lib install OUTPUT=$(B)/lib $(TOOL_DIRS)
	$(MAKE) -C tools/ioreg install OUTPUT=$(B)/bin LIBIOKIT_DIR=$(B)/lib $(TOOL_DIRS)
	$(MAKE) -C tools/iokitctl install OUTPUT=$(B)/bin LIBIOKIT_DIR=$(B)/lib $(TOOL_DIRS)

install-system:
	install -d $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(MODULESLOADDIR) $(DESTDIR)$(MODPROBEDIR) \
		$(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(UNITDIR)
	install -m 0644 $(PKG)/60-iokit.rules $(DESTDIR)$(UDEVRULESDIR)/
	install -m 0644 $(PKG)/iokit-modules-load.conf $(DESTDIR)$(MODULESLOADDIR)/iokit.conf
	install -m 0644 $(PKG)/iokit-modprobe.conf $(DESTDIR)$(MODPROBEDIR)/iokit.conf
	install -m 0644 $(PKG)/iokit-sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/iokit.conf
	sed 's|@SBINDIR@|$(SBINDIR)|g' $(PKG)/iokit-loader.service.in \
		>$(DESTDIR)$(UNITDIR)/iokit-loader.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/iokit-loader.service

# The source DKMS builds from: what "make kmod" needs and nothing else.
install-dkms-source:
	install -d $(DESTDIR)$(DKMS_SRC)
	cd $(TOP) && { echo Makefile; echo Kbuild; echo COPYING; echo tools/build/compat-probe; \
		find LICENSES uapi tools/build/probes -type f; \
		find kmod -path kmod/test -prune -o -type f \( -name Kbuild -o -name '*.[ch]' \) \
			! -name '*.mod.c' -print; } | \
		tar -cf - --files-from=- | tar -C $(DESTDIR)$(DKMS_SRC) -xf -
	sed 's/#MODULE_VERSION#/$(VERSION)/' $(PKG)/dkms.conf >$(DESTDIR)$(DKMS_SRC)/dkms.conf

uninstall:
ifeq ($(DESTDIR),)
	-systemctl disable --now iokit-loader.service 2>/dev/null
endif
	rm -f $(addprefix $(DESTDIR)$(MODDIR)/,$(notdir $(INSTALLED_KOS)))
	$(MAKE) -C tools/lib uninstall $(TOOL_DIRS)
	$(MAKE) -C tools/ioreg uninstall $(TOOL_DIRS)
	$(MAKE) -C tools/iokitctl uninstall $(TOOL_DIRS)
	rm -f $(DESTDIR)$(UDEVRULESDIR)/60-iokit.rules $(DESTDIR)$(MODULESLOADDIR)/iokit.conf \
		$(DESTDIR)$(MODPROBEDIR)/iokit.conf \
		$(DESTDIR)$(SYSUSERSDIR)/iokit.conf $(DESTDIR)$(UNITDIR)/iokit-loader.service
ifeq ($(DESTDIR),)
	depmod -a $(UTS_RELEASE)
	ldconfig
	-udevadm control --reload
	-systemctl daemon-reload
endif

uninstall-dkms-source:
	rm -rf $(DESTDIR)$(DKMS_SRC)

# Debian packages from this tree with Debian's tools: build/deb/*.deb.
deb:
	@$(PKG)/build-debs $(B)/deb

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
	rm -rf $(B)/bin $(B)/selftests $(B)/kmod $(B)/compat
