#!/usr/bin/env python3
"""Make the invented STSS example data of the quick start (stss_pre.csv, stss_post.csv).

The respondents are fictitious. 40 staff members, 20 in a treatment and 20 in
a control group, answer the 17 STSS items (1-5) before and after a programme;
the treatment group's scores drop somewhat more. A few cells are left blank,
as in real exports. Python 3 standard library only; the seed is fixed, so
running it again rewrites the same files:

    python3 examples/data/make_example.py
"""
import csv
import os
import random

SEED = 3
N = 40
ITEMS = ["stss_%d" % i for i in range(1, 18)]
# Respondent-level change in the latent item mean, pre to post.
EFFECT = {"treatment": -0.45, "control": -0.10}
# (respondent number, item number) left blank in each wave.
BLANKS = {
    "pre": [(4, 9), (13, 2), (27, 15)],
    "post": [(8, 12), (19, 5), (19, 16), (33, 1)],
}


def answer(rng, level):
    """One item answer on 1..5 around a respondent's level."""
    x = round(level + rng.gauss(0.0, 0.7))
    return min(5, max(1, x))


def main():
    rng = random.Random(SEED)
    here = os.path.dirname(os.path.abspath(__file__))
    people = []
    for k in range(1, N + 1):
        group = "treatment" if k % 2 == 1 else "control"
        level = min(4.2, max(1.2, rng.gauss(2.3, 0.55)))
        change = EFFECT[group] + rng.gauss(0.0, 0.3)
        people.append((k, group, level, change))

    for wave in ("pre", "post"):
        blanks = set(BLANKS[wave])
        path = os.path.join(here, "stss_%s.csv" % wave)
        with open(path, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(["id", "group"] + ITEMS)
            for k, group, level, change in people:
                lv = level if wave == "pre" else level + change
                row = ["R%03d" % k, group]
                for i in range(1, len(ITEMS) + 1):
                    v = answer(rng, lv)
                    row.append("" if (k, i) in blanks else str(v))
                out.writerow(row)


if __name__ == "__main__":
    main()
