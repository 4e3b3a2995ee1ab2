"""The Python example of the README is examples/python/example.py, and running
it prints what the README shows."""
import os
import re
import subprocess
import sys
import tempfile
import unittest

from support import SOURCE_ROOT, data

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
        expected = run.split('\n', 1)[1]
        with tempfile.TemporaryDirectory() as tmp:  # it writes change.json where it runs
            os.symlink(os.path.join(SOURCE_ROOT, 'examples'), os.path.join(tmp, 'examples'))
            p = subprocess.run([sys.executable, os.path.join('examples', 'python', 'example.py')], cwd=tmp,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
            self.assertEqual(p.stderr, '')
            self.assertEqual(p.stdout, expected)
            self.assertTrue(os.path.exists(os.path.join(tmp, 'change.json')))


if __name__ == '__main__':
    unittest.main()
