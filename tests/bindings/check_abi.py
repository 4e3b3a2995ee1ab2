#!/usr/bin/env python3
"""The library's ABI against the committed baseline.

    check_abi.py [--update] --abidw ABIDW --abidiff ABIDIFF --cc WORD [--cc WORD...]
                 --library LIB --baseline-dir DIR --out-dir DIR HEADER...

Two parts, each compared with a baseline in DIR named after the soname:

- SONAME.abi, written by libabigail's abidw: every exported function with the
  types of its result and parameters (no paths: the file does not depend on
  the checkout or the build directory), compared with abidiff;
- SONAME.enums, one line `ENUM ENUMERATOR VALUE` per enumerator of the public
  headers, the values computed by the C compiler; enumerator values are
  ABI too (the functions take and return them as int), which abidiff cannot
  see.

Added functions and enumerators are compatible and pass (they are listed,
so that the baseline can be refreshed to guard them too). A removed or
changed function, a removed enumerator or a changed value, or a changed
soname fails: an intended break needs a new soname (soversion in
meson.build) and then a baseline for it: see abi/README.md.

--update writes the baseline: a new one for a new soname, or a refreshed one
after compatible additions; it refuses an incompatible change under the
same soname, unless LM_ABI_UNRELEASED=1 says that what changed was never
released (see abi/README.md).

Exit status: 0 pass, 1 fail, 77 skip (no libabigail, no debug information,
or not an LP64 Linux build). With LM_REQUIRE_ABI_TOOLS=1 (CI), a missing tool
or missing debug information fails instead of skipping.
"""
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

SKIP = 77


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, **kw)
    return p.returncode, p.stdout


def abidw(a, out):
    cmd = [a.abidw, '--no-corpus-path', '--no-comp-dir-path', '--no-show-locs', '--no-architecture',
           '--no-elf-needed', '--drop-undefined-syms', '--type-id-style', 'hash', '--drop-private-types']
    for d in sorted({os.path.dirname(os.path.abspath(h)) for h in a.headers}):
        cmd += ['--headers-dir', d]
    cmd += ['--out-file', out, a.library]
    rc, output = run(cmd)
    if rc != 0:
        raise RuntimeError('%s\n%s\nabidw failed (%d)' % (' '.join(cmd), output, rc))


def symbols(path):
    with open(path) as f:
        return set(re.findall(r"<elf-symbol name='([^']+)'", f.read()))


def soname(path):
    with open(path) as f:
        m = re.search(r"<abi-corpus [^>]*soname='([^']+)'", f.read())
    return m.group(1) if m else os.path.basename(path)


def enumerators(a):
    """[(enum, enumerator, value)] of every `enum lm_*` in the public headers.
    The names are read from the headers; the values come from the compiler."""
    names = []
    for h in a.headers:
        with open(h) as f:
            text = re.sub(r'/\*.*?\*/', ' ', f.read(), flags=re.S)
        for enum, body in re.findall(r'enum\s+(lm_\w+)\s*\{(.*?)\}', text, flags=re.S):
            for entry in body.split(','):
                m = re.match(r'\s*([A-Za-z_]\w*)', entry)
                if m:
                    names.append((enum, m.group(1)))
    with tempfile.TemporaryDirectory() as tmp:
        inc = os.path.join(tmp, 'libra_measures')
        os.mkdir(inc)
        for h in a.headers:
            shutil.copy(h, inc)
        src = os.path.join(tmp, 'enums.c')
        with open(src, 'w') as f:
            f.write('#include <stdio.h>\n#include <libra_measures/libra_measures.h>\nint main(void)\n{\n')
            for enum, name in names:
                f.write('\tprintf("%%s %%s %%ld\\n", "%s", "%s", (long)%s);\n' % (enum, name, name))
            f.write('\treturn 0;\n}\n')
        exe = os.path.join(tmp, 'enums')
        rc, output = run(a.cc + ['-I', tmp, src, '-o', exe])
        if rc != 0:
            raise RuntimeError('cannot compile the enumerators of the public headers:\n' + output)
        rc, output = run([exe])
    return [tuple(line.split(' ')) for line in output.splitlines()]


def compare_enums(old, new):
    """(broken, added) between two lists of (enum, enumerator, value)."""
    now = {name: (enum, value) for enum, name, value in new}
    before = {name for _, name, _ in old}
    broken = []
    for enum, name, value in old:
        if name not in now:
            broken.append('%s (%s = %s) was removed' % (name, enum, value))
        elif now[name] != (enum, value):
            broken.append('%s was %s = %s, is now %s = %s' % (name, enum, value, *now[name]))
    added = ['%s = %s' % (name, value) for enum, name, value in new if name not in before]
    return broken, added


def read_enums(path):
    with open(path) as f:
        return [tuple(line.split()) for line in f if line.strip() and not line.startswith('#')]


def write_enums(path, entries):
    with open(path, 'w') as f:
        f.write('# Enumerators of the public headers and their values (tests/bindings/check_abi.py)\n')
        for e in entries:
            f.write(' '.join(e) + '\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--update', action='store_true')
    ap.add_argument('--abidw')
    ap.add_argument('--abidiff')
    ap.add_argument('--cc', action='append', required=True)
    ap.add_argument('--library', required=True)
    ap.add_argument('--baseline-dir', required=True)
    ap.add_argument('--out-dir', required=True)
    ap.add_argument('--no-debug-info', action='store_true', help='the library was built without -g')
    ap.add_argument('headers', nargs='+')
    a = ap.parse_args()
    required = os.environ.get('LM_REQUIRE_ABI_TOOLS') == '1' or a.update

    def skip(why):
        print(('FAIL: ' if required else 'SKIP: ') + why)
        return 1 if required else SKIP

    if not (a.abidw and a.abidiff and shutil.which(a.abidw) and shutil.which(a.abidiff)):
        return skip('abidw/abidiff not found (Debian: apt-get install abigail-tools)')
    if a.no_debug_info:
        return skip('the library is built without debug information (meson -Ddebug=true)')
    if not sys.platform.startswith('linux') or struct.calcsize('P') != 8:
        print('SKIP: the baseline describes the ABI of LP64 Linux builds')
        return SKIP

    os.makedirs(a.out_dir, exist_ok=True)
    tmp_abi = os.path.join(a.out_dir, 'current.abi')
    abidw(a, tmp_abi)
    name = soname(tmp_abi)
    out_abi = os.path.join(a.out_dir, name + '.abi')
    out_enums = os.path.join(a.out_dir, name + '.enums')
    os.replace(tmp_abi, out_abi)
    current_enums = enumerators(a)
    write_enums(out_enums, current_enums)
    base_abi = os.path.join(a.baseline_dir, name + '.abi')
    base_enums = os.path.join(a.baseline_dir, name + '.enums')
    print('%s: %d functions, %d enumerators (written to %s)' % (
        name, len(symbols(out_abi)), len(current_enums), a.out_dir))

    if not os.path.exists(base_abi) or not os.path.exists(base_enums):
        if a.update:
            shutil.copy(out_abi, base_abi)
            shutil.copy(out_enums, base_enums)
            print('new baseline for %s: %s, %s (commit them)' % (name, base_abi, base_enums))
            return 0
        others = sorted(f for f in os.listdir(a.baseline_dir) if f.endswith('.abi'))
        print('FAIL: no ABI baseline for soname %s in %s (there is: %s). If the soname was bumped on purpose, '
              'write its baseline with `ninja -C BUILD abi-update` and commit it.'
              % (name, a.baseline_dir, ', '.join(others) or 'none'))
        return 1

    # abidiff: 0 = same; bits 1 error, 2 usage error, 4 ABI change, 8 incompatible change.
    # --no-added-syms: added functions alone are not a change.
    cmd = [a.abidiff, '--no-architecture', '--no-added-syms', base_abi, out_abi]
    rc, report = run(cmd)
    print('$ ' + ' '.join(cmd) + '\n' + (report.rstrip() or '(no differences)'))
    broken, added_enums = compare_enums(read_enums(base_enums), current_enums)
    for line in broken:
        print('enumerator ' + line)
    added = sorted(symbols(out_abi) - symbols(base_abi))

    if (rc != 0 or broken) and a.update and rc & 3 == 0 and os.environ.get('LM_ABI_UNRELEASED') == '1':
        shutil.copy(out_abi, base_abi)
        shutil.copy(out_enums, base_enums)
        print('LM_ABI_UNRELEASED=1: baseline rewritten over the changes above, soname kept: %s, %s (commit them)'
              % (base_abi, base_enums))
        return 0
    if rc != 0 or broken:
        what = [n for bit, n in ((1, 'error'), (2, 'usage error'), (4, 'ABI change'), (8, 'incompatible ABI change'))
                if rc & bit] + (['changed enumerators'] if broken else [])
        print('FAIL: the ABI of %s differs from its baseline in %s: %s.' % (name, a.baseline_dir, ', '.join(what)))
        if rc & 3 == 0:
            print('Removing or changing a function or an enumerator breaks programs built against %s. Undo the '
                  'change, or break on purpose: bump `soversion` in meson.build, run `ninja -C BUILD abi-update` '
                  'and commit the new baseline. (Only if every change above is to something no release has '
                  'shipped: `LM_ABI_UNRELEASED=1 ninja -C BUILD abi-update`; abi/README.md.)' % name)
        return 1
    if added or added_enums:
        print('Compatible additions since the baseline: %s' % ', '.join(added + added_enums))
        if not a.update:
            print('Run `ninja -C BUILD abi-update` and commit %s/%s.* so that they are guarded too.'
                  % (a.baseline_dir, name))
    if a.update:
        shutil.copy(out_abi, base_abi)
        shutil.copy(out_enums, base_enums)
        print('baseline written: %s, %s (commit them)' % (base_abi, base_enums))
    print('PASS: the ABI of %s is compatible with its baseline' % name)
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except RuntimeError as e:
        print('FAIL: %s' % e)
        sys.exit(1)
