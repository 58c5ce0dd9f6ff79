#!/usr/bin/env bash
# Are two healthpress binaries the same to their users? Compares, byte for byte, what
# they print (stdout, stderr, exit code) and the bundles they write: on the repository's
# content, generated corpora with injected defects, a signed and an unsigned corpus
# (built twice, with an edit between, so deltas, revisions and the changelog count),
# and every rule fixture in one project; in every report format; plus `rules`,
# `--help`, `schema article` and `explain` for every rule. For a change that must not
# change behaviour (a redesign, a speed-up):
#
#     cp target/release/healthpress /tmp/before     # built before the change
#     cargo build --release --bin healthpress --example gen_corpus
#     bench/equivalence.sh /tmp/before target/release/healthpress .
#
# The last line says "identical" or lists what differs (exit 1).
# usage: equivalence.sh OLD_BIN NEW_BIN REPO
old=$(realpath "$1") new=$(realpath "$2") repo=$(realpath "$3")
gen=${GEN_CORPUS:-$repo/target/release/examples/gen_corpus}
w=$(mktemp -d /tmp/equiv.XXXX)
fail=0
corpora=()
# 1. the repository's content
mkdir -p "$w/repo"; cp -a "$repo/content" "$repo/healthpress.toml" "$w/repo/"; corpora+=("$w/repo")
# 2. generated corpora with defects
for seed in 1 7; do
  "$gen" "$w/gen$seed" --articles 400 --seed $seed --defects 150 >/dev/null; corpora+=("$w/gen$seed")
done
"$gen" "$w/gensigned" --articles 300 --seed 4 --sign-off >/dev/null; corpora+=("$w/gensigned")
"$gen" "$w/genplain" --articles 300 --seed 5 --no-sign-off-policy >/dev/null; corpora+=("$w/genplain")
# 3. the rule fixtures, every bad and good file, in the base repository
mkdir -p "$w/fixtures"; cp -a "$repo/tests/fixtures/base/." "$w/fixtures/"
for d in "$repo"/tests/fixtures/rules/*/; do
  r=$(basename "$d"); mkdir -p "$w/fixtures/content/fx-$r"; cp -a "$d/." "$w/fixtures/content/fx-$r/"
done
cp -a "$repo/tests/fixtures/hostile/." "$w/fixtures/content/hostile/" 2>/dev/null
corpora+=("$w/fixtures")
run() { # bin outprefix dir args...
  local bin=$1 out=$2 dir=$3; shift 3
  (cd "$dir" && SOURCE_DATE_EPOCH=1764028800 "$bin" "$@" >"$out.stdout" 2>"$out.stderr"; echo $? >"$out.code")
  sed -i -E 's/\([0-9.]+(ms|s)\)/(TIME)/g; s#/tmp/equiv\.[A-Za-z0-9]+#W#g' "$out.stdout" "$out.stderr"
}
for c in "${corpora[@]}"; do
  n=$(basename "$c")
  for fmt in human json sarif github junit; do
    for side in old new; do bin=${!side}; run "$bin" "$w/out-$n-$fmt-$side" "$c" check --today 2026-11-25 --format $fmt; done
  done
  for side in old new; do
    bin=${!side}
    run "$bin" "$w/out-$n-build1-$side" "$c" build --today 2026-11-25 --out "$w/dist-$n"
    # a second build after an edit: deltas, revisions, changelog
    f=$(find "$c/content" -name '*.md' -not -path '*/_*' | sort | head -3 | tail -1)
    cp "$f" "$w/saved.md"; sed -i 's/^title: \(.*\)$/title: \1 (updated)/' "$f"
    run "$bin" "$w/out-$n-build2-$side" "$c" build --today 2026-11-26 --out "$w/dist-$n"
    cp "$w/saved.md" "$f"
    mkdir -p "$w/dist-$n"; mv "$w/dist-$n" "$w/dist-$n-$side"
    run "$bin" "$w/out-$n-changed-$side" "$c" check --today 2026-11-25 --format json content
  done
  if ! diff -r "$w/dist-$n-old" "$w/dist-$n-new" >"$w/diff-dist-$n" 2>&1; then echo "DIFF bundle $n (see $w/diff-dist-$n)"; fail=1; fi
done
for side in old new; do
  bin=${!side}
  run "$bin" "$w/out-rules-$side" "$repo" rules
  run "$bin" "$w/out-help-$side" "$repo" --help
  run "$bin" "$w/out-schema-$side" "$repo" schema article
  for r in $("$old" rules 2>/dev/null | awk '{print $1}' | grep -E '^[a-z-]+$'); do
    run "$bin" "$w/out-explain-$r-$side" "$repo" explain "$r"
  done
done
total=0
for f in "$w"/out-*-old.stdout; do
  b=${f%-old.stdout}
  for ext in stdout stderr code; do
    total=$((total+1))
    if ! cmp -s "$b-old.$ext" "$b-new.$ext"; then echo "DIFF $(basename "$b").$ext"; diff "$b-old.$ext" "$b-new.$ext" | head -5; fail=1; fi
  done
done
echo "compared $total outputs and ${#corpora[@]} pairs of bundles in $w: $([ $fail = 0 ] && echo identical || echo DIFFERENT)"
exit $fail
