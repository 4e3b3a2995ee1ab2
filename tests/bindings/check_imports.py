#!/usr/bin/env python3
"""No import circle among the library's modules (TAP).

    check_imports.py NM ARCHIVE [--source FILE.c]... [--allow FROM.c:TO.c]...

The modules are the objects of the internal static archive (one per lib/*.c).
Module A imports module B when A uses a symbol that B defines: `nm` lists
what each object leaves undefined and what it defines. Checked:

1. every --source file has an object in the archive, and the objects define
   the lm_ symbols (an archive nm cannot read would otherwise pass);
2. the import graph has no cycle: each strongly connected set of modules is
   printed with one cycle through it and the symbols behind every edge of the
   set, so that the edge to cut can be chosen;
3. every --allow edge (kept out of the graph for check 2 while a cycle
   through files owned elsewhere waits for its fix) exists and is still on a
   cycle: an allowance that is no longer needed fails until it is removed.
"""
import collections
import os
import re
import subprocess
import sys


def tap(results):
    print('1..%d' % len(results))
    failed = 0
    for n, (ok, name, detail) in enumerate(results, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', n, name))
        for line in detail:
            print('#   ' + line)
        failed += not ok
    return 1 if failed else 0


def module_name(member):
    """'.../liblm_internal.a.p/writer.c.o' -> 'writer.c'; a generated source
    ('meson-generated_.._.._instruments_builtin.c.o') keeps its own name."""
    name = os.path.basename(member)
    if name.endswith('.o'):
        name = name[:-2]
    return re.sub(r'^meson-generated_(\.\._)*', '', name)


def read_archive(nm, archive):
    """({module: set of undefined symbols}, {symbol: defining module})."""
    out = subprocess.run([nm, '-P', '-A', archive], check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    undefined = collections.defaultdict(set)
    defined = {}
    for line in out.splitlines():
        # ARCHIVE[MEMBER]: NAME TYPE [VALUE SIZE]
        m = re.match(r'.*\[([^\]]+)\]:\s+(\S+)\s+(\S)', line)
        if not m:
            continue
        module = module_name(m.group(1))
        symbol, kind = m.group(2), m.group(3)
        undefined.setdefault(module, set())
        if kind in 'Uwv':
            undefined[module].add(symbol)
        elif kind in 'TDRBCGSWViu':  # defined and global
            defined[symbol] = module
    return undefined, defined


def import_graph(undefined, defined):
    """{module: {imported module: sorted symbols}}."""
    graph = {m: collections.defaultdict(list) for m in undefined}
    for module, symbols in undefined.items():
        for s in sorted(symbols):
            owner = defined.get(s)
            if owner is not None and owner != module:
                graph[module][owner].append(s)
    return graph


def strongly_connected(nodes, edges):
    """Tarjan's algorithm, iterative; the sets of more than one module."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                scc = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    scc.append(w)
                    if w == v:
                        break
                if len(scc) > 1:
                    found.append(sorted(scc))
    return sorted(found)


def one_cycle(scc, edges):
    """A shortest cycle through the first module of @p scc, within it."""
    start, members = scc[0], set(scc)
    previous = {start: None}
    queue = collections.deque([start])
    while queue:
        v = queue.popleft()
        for w in sorted(edges.get(v, ())):
            if w == start:
                path = [v]
                while previous[path[-1]] is not None:
                    path.append(previous[path[-1]])
                return list(reversed(path)) + [start]
            if w in members and w not in previous:
                previous[w] = v
                queue.append(w)
    return [start]


def main(argv):
    nm, archive = argv[1], argv[2]
    sources, allowed = [], []
    rest = argv[3:]
    while rest:
        opt, value, rest = rest[0], rest[1], rest[2:]
        if opt == '--source':
            sources.append(os.path.basename(value))
        elif opt == '--allow':
            a, b = value.split(':')
            allowed.append((a, b))
        else:
            raise SystemExit('check_imports.py: unknown option ' + opt)

    undefined, defined = read_archive(nm, archive)
    graph = import_graph(undefined, defined)
    results = []

    missing = [s for s in sources if s not in undefined]
    defines_lm = {d for s, d in defined.items() if s.startswith('lm_')}
    no_symbols = [m for m in undefined if m in sources and m not in defines_lm]
    detail = ['no object for %s in %s' % (s, archive) for s in missing]
    detail += ['%s defines no lm_ symbol (can nm read the archive?)' % m for m in sorted(no_symbols)]
    results.append((not missing and not no_symbols and len(undefined) >= 2,
                    'the archive holds an object for each of the %d sources' % len(sources), detail))

    edges = {m: set(targets) for m, targets in graph.items()}
    for a, b in allowed:
        edges.get(a, set()).discard(b)
    cycles = strongly_connected(edges.keys(), edges)
    detail = []
    for scc in cycles:
        detail.append('modules importing each other: ' + ', '.join(scc))
        detail.append('  a cycle: ' + ' -> '.join(one_cycle(scc, edges)))
        for a in scc:
            for b in sorted(edges[a]):
                if b in scc:
                    symbols = graph[a][b]
                    more = ' ...' if len(symbols) > 6 else ''
                    detail.append('  %s -> %s: %s%s' % (a, b, ', '.join(symbols[:6]), more))
    results.append((not cycles, 'no import cycle among the %d modules' % len(graph), detail))

    full = {m: set(targets) for m, targets in graph.items()}
    on_cycle = set()
    for scc in strongly_connected(full.keys(), full):
        on_cycle.update((a, b) for a in scc for b in full[a] if b in scc)
    detail = []
    for a, b in allowed:
        if b not in full.get(a, ()):
            detail.append('allowed edge %s -> %s does not exist: remove it from the allow-list' % (a, b))
        elif (a, b) not in on_cycle:
            detail.append('allowed edge %s -> %s is on no cycle any more: remove it from the allow-list' % (a, b))
        else:
            detail.append('allowed for now: %s -> %s (%s)' % (a, b, ', '.join(graph[a][b][:6])))
    results.append((all(x.startswith('allowed for now') for x in detail),
                    'the %d allowed edge(s) are still needed' % len(allowed), detail))
    return tap(results)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
