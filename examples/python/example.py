import os
import tempfile

import libra_measures as lm

with lm.Instrument.builtin('stss') as stss:  # or lm.Instrument.from_file('my-definition.yaml')
    # One respondent: values in item order; None is a blank; labels count as their values.
    scores = stss.score([2, 3, 'never', 4, None, 3, 2, 3, 1, 3, 4, 2, 2, 1, 3, 4, 2])
    for scale, result in scores.items():
        print(scale, result.score, result.answered, result.status, result.band)
    print('criteria:', scores.rules['criteria'])  # True, False, or None: not determinable

    try:
        stss.score([2, 3, 1, 9, 2, 3, 2, 3, 'sometimes', 3, 4, 2, 2, 1, 3, 4, 2])
    except lm.LibraError as e:  # every bad value, each with its position
        for problem in e.errors:
            print(problem.code.name, problem.column, problem.message)

    # Pre/post change: the numbers of `libra prepost`, as Python values.
    with stss.prepost('examples/data/stss_pre.csv', 'examples/data/stss_post.csv', group_column='group') as pp:
        total = pp.scales['total'].stats
        print(pp.counts['pairs'], 'pairs; change', round(total['change_mean'], 3), 'd_z', round(total['dz'], 3))
        print('recovered:', total['recovered'], '-', total.reasons['recovered'])
        out = os.path.join(tempfile.mkdtemp(prefix='libra-example-'), 'change.json')
        pp.write(out)  # the JSON document of `libra prepost`, in a new directory outside the checkout
