#!/usr/bin/env python3
"""Workbooks written by openpyxl, read back by libra_measures.

Every cell of a sheet of each kind openpyxl writes (inline strings, numbers,
booleans, dates, date-times and times under the 1900 and the 1904 date
systems, a formula without a cached value) is checked as the table reader
gives it (dump.c); then the CLI: the shipped example as a workbook scores as
its CSV does (and pre/post as from the CSVs), --sheet picks a sheet, and bad
cells are all reported, each at its cell. Usage: openpyxl_check.py DUMP LIBRA SOURCE_ROOT
"""
import csv
import datetime
import json
import os
import subprocess
import sys
import tempfile

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

DUMP, LIBRA, SRC = sys.argv[1:4]
# Under `meson test --setup valgrind`, the C programs run under valgrind (tests/valgrind.sh).
WRAP = os.environ.get('LM_CLI_WRAPPER', '').split()
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def dump(path, sheet=None):
    args = WRAP + [DUMP, path] + ([sheet] if sheet else [])
    r = subprocess.run(args, capture_output=True, text=True)
    check(r.returncode == 0, f"dump {path}: {r.stderr}")
    return [json.loads(line) for line in r.stdout.splitlines()]


HEADER = ["id", "t_1", "t_2", "t_3", "t_4", "text", "date", "stamp", "clock", "flag",
          "float", "formula", "unicode", "negative"]
ROW = ["r1", 1, "Often", 3.0, 5, 'a,"b"\nc', datetime.date(2024, 2, 29),
       datetime.datetime(1999, 12, 31, 23, 59, 59), datetime.time(13, 30, 0), True,
       2 / 3, "=B2+D2", "\u00dcn\u00efc\u00f8d\u00e9 \u2713", -2.5]
# As Excel shows them; the formula has no cached value (openpyxl computes none).
SHOWN = ["r1", "1", "Often", "3", "5", 'a,"b"\nc', "2024-02-29", "1999-12-31 23:59:59",
         "13:30:00", "TRUE", "0.6666666666666666", "", "\u00dcn\u00efc\u00f8d\u00e9 \u2713", "-2.5"]
ROW2 = ["r2", 2, None, 4, None, None, datetime.date(1904, 1, 2), None, None, False, 1234.5678]
SHOWN2 = ["r2", "2", "", "4", "", "", "1904-01-02", "", "", "FALSE", "1234.5678", "", "", ""]


def values_workbook(path, epoch_1904):
    wb = openpyxl.Workbook()
    if epoch_1904:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Answers"
    ws.append(HEADER)
    ws.append(ROW)
    ws.append([])  # a row without values
    ws.append(ROW2)
    other = wb.create_sheet("Wave 2")
    other.append(HEADER[:5])
    other.append(["w2", 5, 4, 3, 2])
    wb.save(path)


with tempfile.TemporaryDirectory() as tmp:
    for epoch in (False, True):
        path = os.path.join(tmp, f"values{int(epoch)}.xlsx")
        values_workbook(path, epoch)
        rows = dump(path)
        # The row without values is a blank row: counted apart, not returned.
        check(rows == [HEADER, SHOWN, SHOWN2],
              f"cells (1904: {epoch}): {rows}")
        rows = dump(path, "Wave 2")
        check(rows == [HEADER[:5], ["w2", "5", "4", "3", "2"]], f"sheet 'Wave 2': {rows}")

    # The shipped example as a workbook scores exactly as its CSV.
    data = os.path.join(SRC, "examples", "data", "stss_pre.csv")
    with open(data, newline="") as f:
        table = list(csv.reader(f))
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["the data are on the next sheet"])
    ws = wb.create_sheet("Pre")
    for i, row in enumerate(table):
        ws.append([int(v) if i and v.isdigit() else v for v in row])
    book = os.path.join(tmp, "stss_pre.xlsx")
    wb.save(book)
    want = subprocess.run(WRAP + [LIBRA, "score", "stss", data], capture_output=True, text=True)
    got = subprocess.run(WRAP + [LIBRA, "score", "stss", book, "--sheet", "Pre"], capture_output=True, text=True)
    check(want.returncode == 0 and got.returncode == 0, f"score: {got.stderr}")
    check(got.stdout == want.stdout and got.stdout.count("\n") == len(table), "workbook scores differ from CSV")
    first = subprocess.run(WRAP + [LIBRA, "score", "stss", book], capture_output=True, text=True)
    check(first.returncode == 1 and "no column for items stss_1" in first.stderr,
          f"first sheet is read by default: {first.stderr}")

    # Pre/post reads workbooks too, --sheet applying to both waves.
    post = os.path.join(SRC, "examples", "data", "stss_post.csv")
    with open(post, newline="") as f:
        post_table = list(csv.reader(f))
    wb2 = openpyxl.Workbook()
    wb2.active.title = "Pre"
    for i, row in enumerate(post_table):
        wb2.active.append([int(v) if i and v.isdigit() else v for v in row])
    post_book = os.path.join(tmp, "stss_post.xlsx")
    wb2.save(post_book)
    want = subprocess.run(WRAP + [LIBRA, "prepost", "stss", data, post, "--format", "csv"],
                          capture_output=True, text=True)
    got = subprocess.run(WRAP + [LIBRA, "prepost", "stss", book, post_book, "--sheet", "Pre", "--format", "csv"],
                         capture_output=True, text=True)
    check(want.returncode == 0 and got.returncode == 0, f"prepost: {got.stderr}")
    check(got.stdout == want.stdout and len(got.stdout) > 1000, "prepost from workbooks differs from CSV")

    # Every bad cell reported at once, each at its cell; nothing written.
    ws = wb["Pre"]
    ws["C3"] = 9
    ws["E5"] = "lots"
    bad = os.path.join(tmp, "bad.xlsx")
    wb.save(bad)
    out = os.path.join(tmp, "scores.csv")
    r = subprocess.run(WRAP + [LIBRA, "score", "stss", bad, "--sheet", "Pre", "-o", out],
                       capture_output=True, text=True)
    check(r.returncode == 1, f"bad cells: exit {r.returncode}")
    check(f"{bad}:Pre!C3: row 2, column \"stss_1\": \"9\" is not a response" in r.stderr, r.stderr)
    check(f"{bad}:Pre!E5: row 4, column \"stss_3\": \"lots\" is not a response" in r.stderr, r.stderr)
    check("no output written" in r.stderr and not os.path.exists(out), "an output was written")

sys.exit(1 if failures else 0)
