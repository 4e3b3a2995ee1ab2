#!/usr/bin/env python3
"""The README's shown command lines, run: every fenced block whose first line
starts with "$ " is a session — commands after "$ ", each followed by what it
prints (standard output and error, in order) — and must be marked on the line
before its fence:

    <!-- checked -->            run here; what it prints must match
    <!-- not checked: WHY -->   shown only (say why: another test runs it, ...)

In the expected text a line "[…]" (indented or not) stands for any number of
lines, and "[…]" within a line for any text, so a block may be abridged. The commands run with
bash in a scratch directory holding copies of the checkout's examples/data/,
tests/cli/cases/ and instruments/ (files they write land there, never in the
checkout), with
the built libra first on PATH and LC_ALL=C.

Usage: readme.py LIBRA SOURCE_ROOT. TAP output.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

libra, src = os.path.abspath(sys.argv[1]), sys.argv[2]
CHECKED, NOT_CHECKED = '<!-- checked -->', '<!-- not checked:'
SEP = '\x1e'


def sessions(text):
    """(line number, marker line, commands with their expected output) per session block."""
    lines = text.split('\n')
    i = 0
    while i < len(lines):
        if lines[i].startswith('```'):
            j = i + 1
            while j < len(lines) and not lines[j].startswith('```'):
                j += 1
            body = lines[i + 1:j]
            if body and body[0].startswith('$ '):
                marker = lines[i - 1].strip() if i > 0 else ''
                steps = []
                for line in body:
                    if line.startswith('$ '):
                        steps.append((line[2:], []))
                    else:
                        steps[-1][1].append(line)
                yield i + 1, marker, steps
            i = j + 1
        else:
            i += 1


def matches(expected, actual):
    """Whether the actual lines are the expected ones, "[…]" standing for what is left out."""
    def line_re(e):
        return re.compile('^' + '.*'.join(re.escape(p) for p in e.split('[…]')) + '$')
    pats = [None if e.strip() == '[…]' else line_re(e) for e in expected]
    memo = {}

    def go(p, a):
        if (p, a) in memo:
            return memo[(p, a)]
        if p == len(pats):
            r = a == len(actual)
        elif pats[p] is None:
            r = any(go(p + 1, k) for k in range(a, len(actual) + 1))
        else:
            r = a < len(actual) and bool(pats[p].match(actual[a])) and go(p + 1, a + 1)
        memo[(p, a)] = r
        return r
    return go(0, 0)


def run_session(steps, work):
    script = ['exec 2>&1', '__s=0']
    for cmd, _ in steps:
        script += ['(exit $__s)', cmd, '__s=$?', "printf '%s\\n'" % SEP]
    env = dict(os.environ, LC_ALL='C', PATH=os.path.join(work, 'bin') + os.pathsep + os.environ.get('PATH', ''))
    env.pop('LANGUAGE', None)
    p = subprocess.run(['bash', '-c', '\n'.join(script)], cwd=work, env=env, stdout=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=300)
    outs = p.stdout.decode().split(SEP + '\n')
    return [o.split('\n')[:-1] if o.endswith('\n') else o.split('\n') for o in outs[:len(steps)]]


def main():
    with open(os.path.join(src, 'README.md')) as f:
        readme = f.read()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for line, marker, steps in sessions(readme):
            name = 'README.md:%d: $ %s' % (line, steps[0][0][:70])
            if marker.startswith(NOT_CHECKED) and marker.endswith('-->') and len(marker) > len(NOT_CHECKED) + 5:
                results.append((name + ' # SKIP ' + marker[len(NOT_CHECKED):-3].strip(), True, ''))
                continue
            if marker != CHECKED:
                results.append((name, False, 'the block is marked neither %s nor %s WHY -->' % (CHECKED, NOT_CHECKED)))
                continue
            work = tempfile.mkdtemp(dir=tmp)
            os.mkdir(os.path.join(work, 'bin'))
            os.symlink(libra, os.path.join(work, 'bin', 'libra'))
            # Copies, not links: libra refuses to read through symbolic links.
            for d in ('examples/data', 'tests/cli/cases', 'instruments'):
                shutil.copytree(os.path.join(src, d), os.path.join(work, d))
            got = run_session(steps, work)
            problems = []
            for (cmd, expected), actual in zip(steps, got):
                # An empty line may separate a command's output from the next "$ ".
                while expected and expected[-1] == '':
                    expected = expected[:-1]
                while actual and actual[-1] == '':
                    actual = actual[:-1]
                if not matches(expected, actual):
                    problems.append('$ %s\n--- README shows\n%s\n--- it prints\n%s\n--- end' %
                                    (cmd, '\n'.join(expected), '\n'.join(actual)))
            results.append((name, not problems, '\n'.join(problems)))
    for i, (name, ok, detail) in enumerate(results, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
        for l in detail.splitlines() if not ok else []:
            print('# ' + l)
    print('1..%d' % len(results))
    return 0 if all(ok for _, ok, _ in results) else 1


sys.exit(main())
