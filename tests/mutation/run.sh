#!/bin/sh
# tests/mutation/run.sh - the project's own mutation test: each one-line mutant of the correct
# guest code (tests/mutation/mutants.txt) is built into the guest images of a copy of the
# source tree, and the bundled scenarios of its arch are gated against it. A mutant is killed
# when some scenario's verdict no longer matches its expectation (gate exit 1), and survives
# when every verdict still does (exit 0). Prints one line per mutant and the score.
#
#   tests/mutation/run.sh [--only ID,ID...] PATCHCHECK
#
# PATCHCHECK is a built patchcheck (build/patchcheck); the host tool is never mutated, only
# guest code, so only the copy's guest images are rebuilt per mutant. The copy and its build
# live in a temporary directory, removed at the end. Exit 0 when the run completed (whatever
# the score), 1 when a mutant in --only survived, 2 on bad usage, a stale mutant line or a
# build of the unmutated copy that fails.
set -eu

only=
if [ "${1:-}" = "--only" ]; then
	only=$2
	shift 2
fi
if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 [--only ID,ID...] PATCHCHECK" >&2
	exit 2
fi
tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")/../.." && pwd)
list=$src/tests/mutation/mutants.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# A copy of the sources (no build directories), configured once; guest images only.
(cd "$src" && tar --exclude='./build*' --exclude='./.git' -cf - .) | (mkdir "$work/src" && cd "$work/src" && tar -xf -)
if ! cmake -S "$work/src" -B "$work/build" -G Ninja >"$work/log" 2>&1 ||
   ! ninja -C "$work/build" guest_images >>"$work/log" 2>&1; then
	cat "$work/log" >&2
	echo "$0: the unmutated copy does not build" >&2
	exit 2
fi

# Whitespace runs as one space, for comparing a line with the list.
norm() { printf '%s\n' "$1" | tr -s ' \t' '  ' | sed 's/^ //; s/ $//'; }

total=0 killed=0 survived=0 unbuilt=0 only_survivor=0
while IFS='|' read -r id class dir place from to; do
	case $id in ''|'#'*) continue ;; esac
	id=$(norm "$id"); class=$(norm "$class"); dir=$(norm "$dir"); place=$(norm "$place")
	from=$(norm "$from"); to=$(norm "$to")
	if [ -n "$only" ]; then
		case ",$only," in *",$id,"*) ;; *) continue ;; esac
	fi
	file=${place%:*} line=${place##*:}
	target=$work/src/$file
	now=$(norm "$(sed -n "${line}p" "$target")")
	case "$now" in
	"$from"*) ;;
	*) echo "$0: mutant $id: $file:$line reads '$now', not '$from' (stale list)" >&2
	   exit 2 ;;
	esac
	cp "$target" "$work/original"
	awk -v n="$line" -v text="$to" 'NR == n { print "\t" text; next } { print }' \
		"$work/original" >"$target"
	total=$((total + 1))
	if ! ninja -C "$work/build" guest_images >"$work/log" 2>&1; then
		verdict="not built"
		unbuilt=$((unbuilt + 1))
	elif "$tool" gate --no-db -q -j 2 --guest-dir "$work/build/guest" "$src/scenarios/$dir" \
		>"$work/gate" 2>&1; then
		verdict=survived
		survived=$((survived + 1))
		only_survivor=1
	else
		rc=$?
		if [ $rc -eq 1 ]; then
			verdict="killed by $(grep -m1 '^FAIL' "$work/gate" | awk '{print $2}')"
			killed=$((killed + 1))
		else
			cat "$work/gate" >&2
			echo "$0: mutant $id: gate exit $rc" >&2
			exit 2
		fi
	fi
	cp "$work/original" "$target"
	printf '%-24s %-30s %s\n' "$id" "$class" "$verdict"
done <"$list"
ninja -C "$work/build" guest_images >/dev/null 2>&1 || true

built=$((total - unbuilt))
if [ $built -gt 0 ]; then
	echo "$killed of $built mutants killed ($((100 * killed / built))%), $survived survived, $unbuilt not built"
fi
if [ -n "$only" ] && [ $only_survivor -ne 0 ]; then
	exit 1
fi
exit 0
