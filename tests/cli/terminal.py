#!/usr/bin/env python3
"""What libra does when a person, not a script, is at the other end: standard
input or output a terminal (a pseudo-terminal here), which the data-driven
cases (stdin /dev/null, stdout a file) cannot show.

Usage: terminal.py LIBRA SOURCE_ROOT. TAP output.
"""
import errno
import os
import pty
import subprocess
import sys

libra, src = sys.argv[1], sys.argv[2]
pre = os.path.join(src, 'examples', 'data', 'stss_pre.csv')
post = os.path.join(src, 'examples', 'data', 'stss_post.csv')
tests = []


def run(args, stdin_tty=False, stdout_tty=False, stdin_data=None):
    """Run libra; return (exit status, stdout text, stderr text)."""
    master, slave = pty.openpty()
    wrapper = os.environ.get('LM_CLI_WRAPPER', '').split()
    p = subprocess.Popen(wrapper + [libra] + args,
                         stdin=slave if stdin_tty else subprocess.PIPE,
                         stdout=slave if stdout_tty else subprocess.PIPE,
                         stderr=subprocess.PIPE)
    os.close(slave)
    if not stdin_tty:
        p.stdin.write((stdin_data or '').encode())
        p.stdin.close()
    out = b''
    if stdout_tty:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError as e:  # EIO: the other end is closed
                if e.errno != errno.EIO:
                    raise
                break
            if not chunk:
                break
            out += chunk
    else:
        out = p.stdout.read()
    err = p.stderr.read()
    p.wait(timeout=60)
    os.close(master)
    return p.returncode, out.decode().replace('\r\n', '\n'), err.decode()


def check(name, ok, detail=''):
    tests.append((name, ok, detail))


# 1. score with no DATA and standard input a terminal refuses at once, and says what to do.
status, out, err = run(['score', 'stss'], stdin_tty=True)
check('score without DATA on a terminal is a usage error', status == 2, err)
check('... saying standard input is a terminal and what to give',
      err == "libra: score: missing DATA.csv (standard input is a terminal; give '-' to type or paste the "
             "table there)\nTry 'libra score --help'.\n" and out == '', repr(err))

# Piped in, it is read as before.
with open(pre) as f:
    table = f.read()
status, out, err = run(['score', 'stss'], stdin_data=table)
check('score without DATA reads a pipe', status == 0 and out.startswith('id,'), err)

# 2. prepost on a terminal without -o or --format: the readable summary, not JSON.
status, out, err = run(['prepost', 'stss', pre, post], stdout_tty=True)
check('prepost on a terminal prints the summary', status == 0 and
      out.startswith('Secondary Traumatic Stress Scale (stss): pre/post change\n') and '{' not in out, out[:200] + err)
check('... and says how to get the document', 'libra: the JSON document: -o OUT.json, or --format json' in err, err)

# The same summary as --summary - writes (with -o) and as the library's.
status, out_json, err = run(['prepost', 'stss', pre, post])
check('prepost to a pipe writes the JSON document, as scripts expect',
      status == 0 and out_json.startswith('{'), out_json[:100] + err)
status, out_fmt, err = run(['prepost', 'stss', pre, post, '--format', 'json'], stdout_tty=True)
check('prepost --format json on a terminal writes the JSON document', status == 0 and out_fmt == out_json,
      out_fmt[:100] + err)
status, out_csv, err = run(['prepost', 'stss', pre, post, '--format', 'csv'], stdout_tty=True)
check('prepost --format csv on a terminal writes the CSV', status == 0 and out_csv.startswith('id,'),
      out_csv[:100] + err)

# 3. --help of every command, on a terminal as anywhere.
for cmd in ('list', 'show', 'check', 'score', 'prepost', 'report'):
    status, out, err = run([cmd, '--help'], stdout_tty=True)
    check('%s --help prints its usage, options and example' % cmd,
          status == 0 and out.startswith('Usage: libra %s' % cmd) and '  -h, --help' in out and
          '\nExample' in out and '  libra %s' % cmd in out and err == '', out[:300] + err)

for i, (name, ok, detail) in enumerate(tests, 1):
    print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
    if not ok:
        for line in detail.splitlines():
            print('# ' + line)
print('1..%d' % len(tests))
sys.exit(0 if all(ok for _, ok, _ in tests) else 1)
