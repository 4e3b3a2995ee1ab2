#!/usr/bin/env python3
"""Every public header compiles alone, as C11 and as C++, strictly (TAP).

    check_headers.py --cc WORD [--cc WORD...] [--cxx C++] --library LIB HEADER...

The headers are copied into a temporary include/libra_measures/, the
installed layout, so that a header relying on the source or build tree fails.
Each one is then compiled alone (and included twice, for its guard) as C11
and as C++11, with -pedantic -Werror and most warnings. Last, programs in C
and C++ including the umbrella header link with the library and check that
the header's version equals the one the library reports at run time.

Without a C++ compiler the C++ checks are skipped, unless
LM_REQUIRE_ABI_TOOLS=1 (CI), when they fail.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

C_FLAGS = ['-std=c11', '-pedantic', '-Werror', '-Wall', '-Wextra', '-Wstrict-prototypes', '-Wmissing-prototypes',
           '-Wundef', '-Wshadow', '-Wcast-qual', '-Wredundant-decls', '-Wold-style-definition']
CXX_FLAGS = ['-std=c++11', '-pedantic', '-Werror', '-Wall', '-Wextra', '-Wundef', '-Wshadow', '-Wcast-qual',
             '-Wredundant-decls', '-Wold-style-cast', '-Wzero-as-null-pointer-constant']

VERSION_PROGRAM = r'''
#include <libra_measures/libra_measures.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	if (strcmp(lm_version_string(), LM_VERSION_STRING) != 0 || lm_version_number() != LM_VERSION_NUMBER ||
	    lm_version_major() != LM_VERSION_MAJOR || lm_version_minor() != LM_VERSION_MINOR ||
	    lm_version_patch() != LM_VERSION_PATCH) {
		printf("headers %s, library %s\n", LM_VERSION_STRING, lm_version_string());
		return 1;
	}
	printf("%s\n", LM_VERSION_STRING);
	return 0;
}
'''


class Tap:
    def __init__(self):
        self.lines, self.n, self.failed = [], 0, 0

    def result(self, ok, name, detail='', skip=None):
        self.n += 1
        if skip:
            self.lines.append('ok %d - %s # SKIP %s' % (self.n, name, skip))
            return
        self.lines.append('%s %d - %s' % ('ok' if ok else 'not ok', self.n, name))
        if not ok:
            self.failed += 1
            self.lines += ['#   ' + l for l in detail.strip().splitlines()]

    def finish(self):
        print('1..%d' % self.n)
        print('\n'.join(self.lines))
        return 1 if self.failed else 0


def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    return p.returncode == 0, ' '.join(cmd) + '\n' + p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cc', action='append', required=True)
    ap.add_argument('--cxx')
    ap.add_argument('--library', required=True)
    ap.add_argument('headers', nargs='+')
    a = ap.parse_args()
    require = os.environ.get('LM_REQUIRE_ABI_TOOLS') == '1'
    cxx = [a.cxx] if a.cxx else None
    no_cxx = None if cxx else 'no C++ compiler found'
    tap = Tap()
    with tempfile.TemporaryDirectory() as tmp:
        inc = os.path.join(tmp, 'include')
        os.makedirs(os.path.join(inc, 'libra_measures'))
        for h in a.headers:
            shutil.copy(h, os.path.join(inc, 'libra_measures'))
        for h in sorted(os.path.basename(h) for h in a.headers):
            src = '#include <libra_measures/%s>\n#include <libra_measures/%s>\n' % (h, h)
            for lang, compiler, flags, ext in (('C11', a.cc, C_FLAGS, 'c'), ('C++11', cxx, CXX_FLAGS, 'cpp')):
                name = '%s compiles alone as %s' % (h, lang)
                if compiler is None:
                    tap.result(not require, name, 'no C++ compiler (install g++)', skip=None if require else no_cxx)
                    continue
                path = os.path.join(tmp, 'alone_%s.%s' % (h.replace('.', '_'), ext))
                with open(path, 'w') as f:
                    f.write(src)
                ok, out = run(compiler + flags + ['-I', inc, '-fsyntax-only', path], tmp)
                tap.result(ok, name, out)
        lib = os.path.abspath(a.library)
        libdir = os.path.dirname(lib)
        for lang, compiler, flags, ext in (('C', a.cc, C_FLAGS, 'c'), ('C++', cxx, CXX_FLAGS, 'cpp')):
            name = 'a %s program links with the library, and header version equals runtime version' % lang
            if compiler is None:
                tap.result(not require, name, 'no C++ compiler (install g++)', skip=None if require else no_cxx)
                continue
            src = os.path.join(tmp, 'version.' + ext)
            exe = os.path.join(tmp, 'version-' + ext)
            with open(src, 'w') as f:
                f.write(VERSION_PROGRAM)
            ok, out = run(compiler + flags + ['-I', inc, src, '-o', exe, lib, '-Wl,-rpath,' + libdir], tmp)
            if ok:
                ok, out2 = run([exe], tmp)
                out += out2
            tap.result(ok, name, out)
    return tap.finish()


if __name__ == '__main__':
    sys.exit(main())
