#!/usr/bin/env python3
"""Hash flooding benchmark: `libra prepost` on crafted ids and many groups.

    tests/bench/hashflood.py [--libra build/examples/libra] [--pairs 200000]
                             [--group-pairs 40000] [--groups 40000] [--reps 3] [--check]

(from the source root, after `meson compile -C build`). Times `libra prepost
stss PRE POST --format csv` on
  - ordinary ids (R00000001, ...) and on ids crafted by fnv_collide.c to
    collide in the id index of libra_measures 0.2 (unseeded FNV-1a, linear
    probing), same length, same item values, same pairing;
  - --group-pairs pairs in 2 groups and in --groups groups (a group column
    taken from the pre row).
Prints the fastest wall and CPU time of --reps runs (after one warm-up; on a
shared machine the fastest is the least disturbed by other work) and the ratio
crafted / ordinary and many groups / 2 groups. With --check, exits 1 when
crafted ids cost more than twice ordinary ones (the bound of issue 14). Many
groups cost more than two for what they add, not for their names: a summary
of every group on every scale, written out (a linear cost, where 0.2 spent
quadratic time finding the names). Python 3 standard library and a C
compiler (cc).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def build(work, name):
    exe = os.path.join(work, name)
    subprocess.run([os.environ.get("CC", "cc"), "-O2", "-o", exe, os.path.join(HERE, name + ".c")], check=True)
    return exe


def generate(gen, n, seed):
    """Lines of a generated STSS file: the header and n rows."""
    out = subprocess.run([gen, "stss", "17", str(n), str(seed), "20"], stdout=subprocess.PIPE, check=True).stdout
    return out.decode().splitlines()


def write(path, lines, ids=None, groups=None):
    """The generated lines with their ids replaced and a group column added (if given)."""
    with open(path, "w") as f:
        for i, line in enumerate(lines):
            head, rest = line.split(",", 1)
            if i and ids is not None:
                head = ids[i - 1]
            if groups is not None:
                head += "," + ("group" if i == 0 else groups[(i - 1) % len(groups)])
            f.write(head + "," + rest + "\n")


def run(cmd):
    """CPU seconds (user + system) of one run."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("%s failed: %s" % (" ".join(cmd), err.decode(errors="replace")[-500:]))
    return ru.ru_utime + ru.ru_stime


def timed(cmd, reps):
    """The fastest of reps runs after a warm-up, wall and CPU: on a shared
    machine the fastest is the least disturbed by other work."""
    run(cmd)
    walls, cpus = [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        cpus.append(run(cmd))
        walls.append(time.perf_counter() - t0)
    return min(walls), min(cpus)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--libra", default=os.path.join(ROOT, "build", "examples", "libra"))
    ap.add_argument("--pairs", type=int, default=200000)
    ap.add_argument("--group-pairs", type=int, default=40000)
    ap.add_argument("--groups", type=int, default=40000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--check", action="store_true", help="exit 1 when crafted ids cost more than 2× ordinary ones")
    a = ap.parse_args()
    libra = os.path.abspath(a.libra)
    work = tempfile.mkdtemp(prefix="libra-hashflood-")
    try:
        gen, collide = build(work, "gen"), build(work, "fnv_collide")
        pre, post = os.path.join(work, "pre.csv"), os.path.join(work, "post.csv")
        out = os.path.join(work, "out.csv")
        cmd = [libra, "prepost", "stss", pre, post, "--format", "csv", "-o", out]
        results = []

        pre_lines, post_lines = generate(gen, a.pairs, 1), generate(gen, a.pairs, 2)
        crafted = subprocess.run([collide, str(a.pairs)], stdout=subprocess.PIPE, check=True).stdout.decode().split()
        write(pre, pre_lines)
        write(post, post_lines)
        ordinary = timed(cmd, a.reps)
        write(pre, pre_lines, crafted)
        write(post, post_lines, crafted)
        flooded = timed(cmd, a.reps)
        results.append(("ids", a.pairs, "ordinary", ordinary, "crafted for FNV-1a", flooded))

        pre_lines, post_lines = generate(gen, a.group_pairs, 1), generate(gen, a.group_pairs, 2)
        for_groups = cmd + ["--group-column", "group"]
        two_names, many_names = ["treatment", "control"], ["g%06d" % g for g in range(a.groups)]
        write(pre, pre_lines, groups=two_names)
        write(post, post_lines, groups=two_names)
        two = timed(for_groups, a.reps)
        write(pre, pre_lines, groups=many_names)
        write(post, post_lines, groups=many_names)
        many = timed(for_groups, a.reps)
        results.append(("groups", a.group_pairs, "2 groups", two, "%d groups" % a.groups, many))
    finally:
        shutil.rmtree(work)

    print("libra: %s (fastest of %d runs after a warm-up; wall / CPU seconds)" % (libra, a.reps))
    print("| case | pairs | baseline | wall / CPU | stress | wall / CPU | ratio (CPU) |")
    print("|---|---:|---|---:|---|---:|---:|")
    for what, n, base, t0, stress, t1 in results:
        print("| %s | %d | %s | %.3f / %.3f s | %s | %.3f / %.3f s | %.2f× |"
              % (what, n, base, t0[0], t0[1], stress, t1[0], t1[1], t1[1] / t0[1]))
    ids = results[0][5][1] / results[0][3][1]
    if a.check and ids > 2:
        sys.exit("hashflood: crafted ids cost %.2f× ordinary ones (more than 2×)" % ids)


if __name__ == "__main__":
    main()
