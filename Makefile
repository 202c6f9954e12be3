# Every target runs inside the project's Debian 13 root (build-aux/mkroot.sh),
# unless this already is Debian 13 or that root.
.PHONY: all build check demo deb bench clean distclean

NATIVE := $(or $(SIGMAVAULT_IN_ROOT),$(shell grep -qs '^13' /etc/debian_version && echo 1))
BUILDDIR ?= build

ifeq ($(NATIVE),)

all build check demo deb bench:
	SIGMAVAULT_DISPLAY="$(DISPLAY)" build-aux/in-root.sh make $@

else

all: build

# The lock file pins one @girs line through npm overrides, which Debian 13's
# npm 9 misreads; npm 11 (from the registry, like every other package) reads it.
NPM := npx --yes npm@11.6.2

node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

$(BUILDDIR)/build.ninja: node_modules/.package-lock.json
	meson setup $(BUILDDIR) --prefix=/usr --libexecdir=lib/sigmavault $$([ -f $(BUILDDIR)/build.ninja ] && echo --reconfigure)

build: $(BUILDDIR)/build.ninja
	meson compile -C $(BUILDDIR)

# Tests run against an installed SigmaVault; inside the throwaway root the
# install goes to /usr, exactly as on a user's machine.
check: build
	meson install -C $(BUILDDIR) --quiet
	build-aux/run-tests.sh $(BUILDDIR)

demo: build
	meson install -C $(BUILDDIR) --quiet
	build-aux/demo.sh

deb: node_modules/.package-lock.json
	build-aux/make-deb.sh

bench: build
	meson install -C $(BUILDDIR) --quiet
	build-aux/bench.sh $(BUILDDIR)

endif

clean:
	rm -rf $(BUILDDIR)

distclean: clean
	rm -rf node_modules
