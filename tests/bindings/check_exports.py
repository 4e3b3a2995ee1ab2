#!/usr/bin/env python3
"""The shared library exports exactly the public API (TAP).

    check_exports.py NM LIBRARY MAP HEADER...

1. every exported symbol is a function named lm_* (no data: bindings can
   only call functions);
2. the exported symbols are exactly the map's global symbols, each with the
   version node the map gives it (as the default version, @@);
3. the exported symbols are exactly the functions the public headers declare
   with LM_EXPORT (a declared function that is not exported, or an exported
   one that no header declares, fails).
"""
import re
import subprocess
import sys


def tap(results):
    print('1..%d' % len(results))
    failed = 0
    for n, (ok, name, detail) in enumerate(results, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', n, name))
        if not ok:
            failed += 1
            for line in detail:
                print('#   ' + line)
    return 1 if failed else 0


def exported(nm, library):
    """{name: (nm type, version or None, default version?)} of the defined dynamic symbols."""
    out = subprocess.run([nm, '-D', '--defined-only', library], check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    symbols = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        kind, name = parts[1], parts[2]
        if kind == 'A':  # a version node's own symbol, e.g. LIBRA_MEASURES_0.1
            continue
        m = re.fullmatch(r'([^@]+)(@@?)(.+)', name)
        if m:
            symbols[m.group(1)] = (kind, m.group(3), m.group(2) == '@@')
        else:
            symbols[name] = (kind, None, False)
    return symbols


def map_symbols(path):
    """{symbol: version node} of the map's global: sections."""
    text = open(path).read()
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'#[^\n]*', ' ', text)
    symbols = {}
    for node, body in re.findall(r'([A-Za-z_][\w.]*)\s*\{(.*?)\}\s*[\w.]*\s*;', text, flags=re.S):
        section = None
        for token in re.findall(r'[\w.*]+:|[^\s;]+', body):
            if token.endswith(':'):
                section = token[:-1]
            elif section == 'global':
                symbols[token] = node
    return symbols


def declared(headers):
    names = set()
    for path in headers:
        text = re.sub(r'/\*.*?\*/', ' ', open(path).read(), flags=re.S)
        names.update(re.findall(r'LM_EXPORT\b[^;{]*?\b(lm_\w+)\s*\(', text))
    return names


def main(argv):
    nm, library, mapfile, headers = argv[1], argv[2], argv[3], argv[4:]
    syms = exported(nm, library)
    mapped = map_symbols(mapfile)
    decl = declared(headers)
    results = []

    bad = sorted(n for n, (kind, _, _) in syms.items() if not n.startswith('lm_') or kind not in 'TW')
    results.append((not bad, 'every exported symbol is a function named lm_*',
                    ['%s (%s)' % (n, syms[n][0]) for n in bad]))

    extra = sorted(set(syms) - set(mapped))
    missing = sorted(set(mapped) - set(syms))
    results.append((not extra and not missing, 'exported symbols equal the global symbols of %s' % mapfile,
                    ['exported, not in the map: ' + n for n in extra] + ['in the map, not exported: ' + n for n in missing]))

    wrong = sorted(n for n in set(syms) & set(mapped) if syms[n][1:] != (mapped[n], True))
    results.append((not wrong, 'every symbol has the version node the map gives it, as its default version',
                    ['%s: %s%s, map says %s' % (n, '@@' if syms[n][2] else '@', syms[n][1], mapped[n]) for n in wrong]))

    undeclared = sorted(set(syms) - decl)
    unexported = sorted(decl - set(syms))
    results.append((not undeclared and not unexported,
                    'exported symbols equal the functions the public headers declare LM_EXPORT',
                    ['exported, declared in no public header: ' + n for n in undeclared]
                    + ['declared LM_EXPORT, not exported: ' + n for n in unexported]))

    print('# %d symbols exported by %s' % (len(syms), library))
    return tap(results)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
