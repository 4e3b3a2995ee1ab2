#!/usr/bin/env python3
"""doc/definition.schema.json against the definitions the suite knows (TAP).

Every bundled definition (instruments/) and every valid test definition
(tests/data/definitions/valid/) must validate; every invalid test case whose
fault is one of shape (SHAPE below) must be rejected — by the schema, or, for
bytes YAML itself forbids, by the YAML parser, as an editor would. The other
invalid cases are faults the schema cannot see (NOT_SHAPE, with why); a case
in neither list fails the test, so that a new case is classified.
YAML is read with the YAML 1.2 core schema's booleans (true/false only), as
the loader and the YAML language server read it.
Usage: check_schema.py SOURCE_ROOT
"""
import glob
import json
import os
import re
import sys

import jsonschema
import yaml

SHAPE = {
    'control_byte_c1', 'control_byte_key', 'control_byte_plain', 'control_byte_quoted', 'control_cr_in_note',
    'control_escape_c1', 'control_escape_del', 'control_escape_e', 'control_escape_id', 'control_escape_key',
    'control_escape_nel', 'control_escape_u', 'control_escape_x', 'control_newline_in_name',
    'control_tab_in_label', 'limit_depth', 'limit_list', 'limit_text', 'missing_required', 'nul_escape',
    'tab_in_indentation', 'unknown_and_duplicate_keys', 'wrong_types', 'wrong_value_reported_once',
}
NOT_SHAPE = {
    'primary_unknown': 'primary names a scale that is not defined: a reference, not a shape',
    'alias': 'an alias: YAML gives the schema the tree it stands for',
    'alias_bomb': 'an alias bomb: not even loaded here',
    'band_outside_and_gap': 'bands against the possible scores',
    'bands': 'bands against the possible scores',
    'not_utf8': 'not text',
    'nul_byte': 'not text',
    'references_and_duplicates': 'references between parts and duplicate ids',
    'syntax': 'not YAML',
    'too_many_digits': 'numbers a double cannot hold exactly',
}


class Loader(yaml.SafeLoader):
    pass


# YAML 1.2 core booleans only: "yes", "no", "on", "off" are text, as in the loader.
Loader.yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag != 'tag:yaml.org,2002:bool']
                                  for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
Loader.add_implicit_resolver('tag:yaml.org,2002:bool', re.compile(r'^(?:true|false)$'), list('tf'))

root = sys.argv[1]
with open(os.path.join(root, 'doc', 'definition.schema.json')) as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

results = []


def load(path):
    with open(path, 'rb') as f:
        return yaml.load(f, Loader=Loader)


valid = sorted(glob.glob(os.path.join(root, 'instruments', '*.yaml')) +
               glob.glob(os.path.join(root, 'tests', 'data', 'definitions', 'valid', '*', 'definition.yaml')))
for path in valid:
    errors = list(validator.iter_errors(load(path)))
    why = '; '.join('%s: %s' % ('/'.join(map(str, e.absolute_path)), e.message) for e in errors[:3])
    results.append((not errors, 'valid: %s%s' % (os.path.relpath(path, root), ' — ' + why if why else '')))

cases = sorted(os.listdir(os.path.join(root, 'tests', 'data', 'definitions', 'invalid')))
for case in cases:
    path = os.path.join(root, 'tests', 'data', 'definitions', 'invalid', case, 'definition.yaml')
    if case in NOT_SHAPE:
        results.append((True, 'invalid: %s is no fault of shape (%s) # SKIP' % (case, NOT_SHAPE[case])))
        continue
    if case not in SHAPE:
        results.append((False, 'invalid: %s is in neither SHAPE nor NOT_SHAPE of %s' % (case, __file__)))
        continue
    try:
        doc = load(path)
    except yaml.YAMLError as e:
        results.append((True, 'invalid: %s rejected by the YAML parser (%s)' % (case, str(e).splitlines()[0])))
        continue
    results.append((not validator.is_valid(doc), 'invalid: %s rejected by the schema' % case))

print('1..%d' % len(results))
for k, (ok, what) in enumerate(results, 1):
    print('%s %d - %s' % ('ok' if ok else 'not ok', k, what))
sys.exit(0 if all(ok for ok, _ in results) else 1)
