#!/bin/sh
# install_test.sh BUILD_DIR SOURCE_DIR [LINUX_TREE]: `cmake --install` into a temporary prefix
# and the CPack Debian package, each with the program, guest images, compatibility layer,
# bundled scenarios and manual page in place; the installed program runs bundled scenarios
# (one on a bundled image, one with its own code built at run time, and with a Linux tree a
# kernel-tree one) from outside the source tree, with the source and build trees hidden (a
# tmpfs over each, in a user and mount namespace) wherever unshare(1) may make one.
set -eu
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export PATCHCHECK_CACHE_DIR="$tmp/cache"
# Under the sanitizers, LeakSanitizer's suppressions are in the source tree, which is hidden:
# a copy takes their place.
case "${LSAN_OPTIONS:-}" in
*suppressions=*)
	supp=$(printf '%s' "$LSAN_OPTIONS" | sed -n 's/^\(.*:\)*suppressions=\([^:]*\).*/\2/p')
	cp "$supp" "$tmp/lsan.supp"
	LSAN_OPTIONS=$(printf '%s' "$LSAN_OPTIONS" |
		sed -e "s|^suppressions=[^:]*|suppressions=$tmp/lsan.supp|" \
			-e "s|:suppressions=[^:]*|:suppressions=$tmp/lsan.supp|")
	export LSAN_OPTIONS
	;;
esac
kernel=""
if [ $# -ge 3 ] && [ -d "$3" ]; then # a copy: the build tree it is in will be hidden
	cp -r "$3" "$tmp/linux"
	kernel="--kernel-tree $tmp/linux $tmp/scenarios-kernel"
fi

fail() { echo "install_test: $*" >&2; exit 1; }

# "$@" with the source and build trees out of sight, when this machine allows it.
hidden=no
if unshare -r -m true 2>/dev/null; then hidden=yes; fi
without_trees() {
	if [ $hidden = yes ]; then
		unshare -r -m sh -c 'mount -t tmpfs none "$0" && mount -t tmpfs none "$1" && shift && exec "$@"' \
			"$build" "$src" "$@"
	else
		"$@"
	fi
}

# The files of an install under root/prefix, and a bundled scenario run by its program.
check_install() {
	root=$1 prefix=$2
	for f in bin/patchcheck share/patchcheck/guest/arm64/ftrace.elf \
		share/patchcheck/guest/riscv64/ftrace8.elf share/patchcheck/guest/arm/ftrace_arm.elf \
		share/patchcheck/scenarios/arm64/nop-to-call.yaml \
		share/patchcheck/models/arm64/kernel/include/asm/ftrace.h \
		share/patchcheck/models/common/kernel/include/linux/linkage.h \
		share/man/man1/patchcheck.1; do
		[ -e "$root$prefix/$f" ] || fail "$root$prefix/$f is not installed"
	done
	tool=$root$prefix/bin/patchcheck data=$root$prefix/share/patchcheck
	without_trees "$tool" --version > version.txt
	grep -qx "guest images: $data/guest" version.txt || fail "$(cat version.txt)"
	grep -qx "bundled scenarios: $data/scenarios" version.txt || fail "$(cat version.txt)"
	rm -rf "$tmp/scenarios-kernel" && mkdir "$tmp/scenarios-kernel"
	cp "$data/scenarios/arm64/kernel-nop-to-call.yaml" "$tmp/scenarios-kernel/"
	n=3
	[ -z "$kernel" ] || n=4
	# shellcheck disable=SC2086 # $kernel is an option and its value, or nothing
	without_trees "$tool" gate --db "$tmp/gate.db" -q "$data/scenarios/arm64/nop-to-call.yaml" \
		"$data/scenarios/riscv/ops-nop-to-call.yaml" \
		"$data/scenarios/riscv/shared-counter-locked.yaml" $kernel > gate.txt 2>&1 ||
		fail "$(cat gate.txt)"
	grep -qx "$n passed, 0 failed" gate.txt || fail "$(cat gate.txt)"
	without_trees "$tool" report --db "$tmp/gate.db" > report.txt || fail "$(cat report.txt)"
	grep -q 'arm64/nop-to-call' report.txt || fail "$(cat report.txt)"
	rm -f "$tmp"/gate.db*
}

cmake --install "$build" --prefix "$tmp/prefix" > install.txt || fail "$(cat install.txt)"
check_install "" "$tmp/prefix"

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/package" > cpack.txt 2>&1 ||
	fail "$(cat cpack.txt)"
deb=$(ls "$tmp"/package/patchcheck_*.deb)
dpkg-deb -f "$deb" Depends | grep -q libunicorn || fail "$deb: Depends: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb -x "$deb" "$tmp/root"
check_install "$tmp/root" /usr
echo "install_test: installed and packaged; bundled scenarios passed from both" \
	"(source and build trees hidden: $hidden; kernel tree: ${kernel:+yes})"
