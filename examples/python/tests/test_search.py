"""The definitions' search path from Python: Instrument.find(), Instrument.load() with an id,
instruments(); directories named by LIBRA_MEASURES_PATH and XDG_DATA_HOME in temporary
directories."""
import os
import tempfile
import unittest
import warnings

import libra_measures as lm

DEF = '''format: 1
id: {id}
name: {name}
version: "1"
responses: [{{value: 0, label: No}}, {{value: 1, label: Yes}}]
items:
  - {{id: q1, label: one}}
  - {{id: q2, label: two}}
scales:
  - {{id: total, label: Total, items: [q1, q2], method: sum, min_answered: 2}}
'''


class SearchPath(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        root = self.tmp.name
        self.agency = os.path.join(root, 'agency')
        self.user = os.path.join(root, 'xdg', 'libra_measures', 'instruments')
        os.makedirs(self.agency)
        os.makedirs(self.user)
        self.saved = {k: os.environ.get(k) for k in ('LIBRA_MEASURES_PATH', 'XDG_DATA_HOME')}
        os.environ['LIBRA_MEASURES_PATH'] = self.agency
        os.environ['XDG_DATA_HOME'] = os.path.join(root, 'xdg')

    def tearDown(self):
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        self.tmp.cleanup()

    def write(self, directory, id, name, file=None):
        path = os.path.join(directory, (file or id) + '.yaml')
        with open(path, 'w') as f:
            f.write(DEF.format(id=id, name=name))
        return path

    def test_find_in_order(self):
        self.write(self.user, 'cdr', 'from the user directory')
        inst = lm.Instrument.find('cdr')
        self.assertEqual(inst.name, 'from the user directory')
        path = self.write(self.agency, 'cdr', 'from the agency directory')
        inst = lm.Instrument.find('cdr')
        self.assertEqual((inst.name, inst.source), ('from the agency directory', path))
        self.assertEqual(inst.score([1, 1])['total'].score, 2)
        self.assertEqual(lm.Instrument.load('cdr').name, 'from the agency directory')
        self.assertEqual(lm.Instrument.find('stss').source, 'builtin:stss')

    def test_not_found(self):
        with self.assertRaises(lm.LibraError) as cm:
            lm.Instrument.find('nowhere')
        self.assertEqual(cm.exception.status, lm.Status.ENOTFOUND)
        self.assertIn(self.agency, str(cm.exception))

    def test_shadowing_a_builtin(self):
        path = self.write(self.user, 'stss', 'not the real one')
        with self.assertRaises(lm.DefinitionError) as cm:
            lm.Instrument.find('stss')
        self.assertIn(path + ": defines instrument 'stss'", str(cm.exception))
        self.assertIn('is built into the library', str(cm.exception))

    def test_instruments(self):
        self.write(self.agency, 'cdr', 'CD')
        self.write(self.user, 'mbi', 'MB')
        self.write(self.user, 'stss', 'shadow')
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            found = lm.instruments()
        self.assertEqual(len(caught), 1)
        self.assertIn("defines instrument 'stss'", str(caught[0].message))
        builtins = lm.builtin_ids()
        self.assertEqual(tuple(f.id for f in found[:len(builtins)]), builtins)
        self.assertTrue(all(f.origin == 'built-in' for f in found[:len(builtins)]))
        rest = [(f.id, f.name, f.origin) for f in found[len(builtins):]]
        self.assertEqual(rest, [('cdr', 'CD', 'LIBRA_MEASURES_PATH'), ('mbi', 'MB', 'XDG_DATA_HOME')])


if __name__ == '__main__':
    unittest.main()
