"""Peer: how researchers score with pandas today. read_csv + vectorised sums.

    python3 peer_pandas.py 'SCALE=item,-item,...;...' IN.csv OUT.csv

A leading '-' marks a reverse-keyed item (6 - x). A scale with any blank
item gets no score (NA), as in libra's bundled STSS and ProQOL 5.
"""
import sys

import pandas as pd


def main():
    spec, src, dst = sys.argv[1:4]
    df = pd.read_csv(src)
    out = pd.DataFrame({"id": df["id"]})
    for part in spec.split(";"):
        name, keys = part.split("=")
        keys = keys.split(",")
        cols = [k.lstrip("-") for k in keys]
        rev = [k[1:] for k in keys if k.startswith("-")]
        x = df[cols]
        if rev:
            x = x.copy()
            x[rev] = 6 - x[rev]
        out[name] = x.sum(axis=1, min_count=len(cols))
    out.to_csv(dst, index=False, na_rep="NA", float_format="%.10g")


if __name__ == "__main__":
    main()
