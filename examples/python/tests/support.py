"""Where the tests find things. meson test sets every variable; run by hand
from a checkout with a build in ./build, the defaults work too:

    LIBRA_MEASURES_LIBRARY=build/lib/liblibra_measures.so PYTHONPATH=examples/python \
        python3 -m unittest discover -s examples/python/tests
"""
import os
import subprocess
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.environ.get('LM_SOURCE_ROOT') or os.path.normpath(os.path.join(HERE, '..', '..', '..'))
BUILD_ROOT = os.environ.get('LM_BUILD_ROOT') or os.path.join(SOURCE_ROOT, 'build')
CLI = os.environ.get('LIBRA_CLI') or os.path.join(BUILD_ROOT, 'examples', 'libra')
# The public headers: the source directory, and the build directory for version.h.
HEADER_DIRS = [os.path.join(SOURCE_ROOT, 'include', 'libra_measures'),
               os.path.join(BUILD_ROOT, 'include', 'libra_measures')]


def data(*parts):
    return os.path.join(SOURCE_ROOT, *parts)


def cli(*args, check=True):
    """Run the command-line tool; return (stdout, stderr, exit status)."""
    if not os.access(CLI, os.X_OK):
        raise unittest.SkipTest('the command-line tool is not at %s (set LIBRA_CLI)' % CLI)
    p = subprocess.run([CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and p.returncode != 0:
        raise AssertionError('libra %s: exit %d\n%s' % (' '.join(args), p.returncode, p.stderr.decode()))
    return p.stdout.decode(), p.stderr.decode(), p.returncode
