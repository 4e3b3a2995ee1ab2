"""Compare an Excel workbook written by libra with the CSV of the same run,
cell by cell: usage check_xlsx.py OUT.csv OUT.xlsx BANDS.tsv.

Numbers must be the CSV's numbers (to the 15 significant digits a workbook
keeps), empty CSV cells empty cells, text the same text (without the apostrophe the CSV
puts before text a spreadsheet would run as a formula); band ids in the CSV
are band labels in the workbook. The sheet "variables" must list every column.
"""
import csv
import math
import sys

import openpyxl


def main(csv_path, xlsx_path, bands_path):
    bands = dict(line.rstrip("\n").split("\t") for line in open(bands_path, encoding="utf-8"))
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    wb = openpyxl.load_workbook(xlsx_path)
    assert wb.sheetnames == ["data", "variables"], wb.sheetnames
    got = [list(r) for r in wb["data"].iter_rows(values_only=True)]
    assert got[0] == rows[0], (got[0], rows[0])
    assert len(got) == len(rows), (len(got), len(rows))
    cells = 0
    for r, (want_row, got_row) in enumerate(zip(rows[1:], got[1:]), start=2):
        assert len(got_row) == len(want_row), (r, len(got_row), len(want_row))
        for name, want, have in zip(rows[0], want_row, got_row):
            where = f"{xlsx_path}: row {r}, column {name}"
            # The CSV guards text a spreadsheet would run as a formula with an
            # apostrophe; a workbook's text cell is never run, and is as it was.
            if want[:1] == "'" and want[1:2] and want[1:2] in "=+-@\t\r":
                want = want[1:]
            if want == "":
                assert have is None, f"{where}: {have!r}, not empty"
            elif name.endswith(("_band", "_band_pre", "_band_post")):
                assert have == bands[want], f"{where}: {have!r}, not {bands[want]!r}"
            elif isinstance(have, (int, float)) and not isinstance(have, bool):
                w = float(want)
                assert math.isclose(have, w, rel_tol=1e-15, abs_tol=0.0), f"{where}: {have!r}, not {want}"
            else:
                assert have == want, f"{where}: {have!r}, not {want!r}"
            cells += 1
    names = [r[0] for r in wb["variables"].iter_rows(min_row=2, values_only=True)]
    assert names == rows[0], names
    print(f"{xlsx_path}: {cells} cells as in {csv_path}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
