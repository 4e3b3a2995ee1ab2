"""The Python example of the README is examples/python/example.py, and running
it as the README shows, from the top of the checkout, prints what the README
shows and writes nothing into the checkout."""
import os
import re
import shlex
import subprocess
import sys
import tempfile
import unittest

from support import BUILD_ROOT, SOURCE_ROOT, data

SECTION = '## Using it from other languages'


class Readme(unittest.TestCase):
    def test_the_example_runs_as_shown(self):
        with open(data('README.md')) as f:
            readme = f.read()
        self.assertIn(SECTION, readme)
        section = readme[readme.index(SECTION):]
        section = section[:section.find('\n## ', 1)]
        blocks = re.findall(r'```(\w*)\n(.*?)```', section, flags=re.S)
        code = [b for lang, b in blocks if lang == 'python'][0]
        with open(data('examples', 'python', 'example.py')) as f:
            self.assertEqual(code, f.read(), 'the README shows examples/python/example.py as it is')
        run = [b for lang, b in blocks if b.startswith('$ ') and 'example.py' in b.splitlines()[0]][0]
        command, expected = run.split('\n', 1)
        self.assertIn("```sh\nmeson setup build && ninja -C build\n```", section,
                      'the README says how to build before the example runs')
        # The command as shown, from the top of the checkout; only the library is
        # the one under test (a staged install in the virtual-environment run).
        command = command[2:]
        library = os.environ.get('LIBRA_MEASURES_LIBRARY') or os.path.join(BUILD_ROOT, 'lib', 'liblibra_measures.so')
        command = command.replace('LIBRA_MEASURES_LIBRARY=build/lib/liblibra_measures.so',
                                      'LIBRA_MEASURES_LIBRARY=' + shlex.quote(library))
        command = command.replace(' python3 ', ' ' + shlex.quote(sys.executable) + ' ')
        before = set(os.listdir(SOURCE_ROOT))
        with tempfile.TemporaryDirectory() as tmp:  # its temporary directory: change.json goes there
            env = dict(os.environ, TMPDIR=tmp)
            p = subprocess.run(['sh', '-c', command], cwd=SOURCE_ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
            self.assertEqual(p.stderr, '')
            self.assertEqual(p.stdout, expected)
            written = [os.path.join(d, f) for d, _, files in os.walk(tmp) for f in files]
            self.assertEqual([os.path.basename(w) for w in written], ['change.json'])
        self.assertEqual(set(os.listdir(SOURCE_ROOT)) - before, set(), 'it writes nothing into the checkout')


if __name__ == '__main__':
    unittest.main()
