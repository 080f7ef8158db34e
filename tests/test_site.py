"""site: generated pages show expectations, observations and escaped output."""
from __future__ import annotations

import json

from mpmatrix import site
from mpmatrix.catalog import load_catalog
from mpmatrix.results import EnvironmentResults

from .test_catalog import GOOD, environment, write_case
from .test_results import record


def build(tmp_path, records):
    write_case(tmp_path, GOOD.replace("OVERRIDES = []", "OVERRIDES = [{'os': 'macos', "
                                      "'expect': {'fork': 'error'}, 'why': 'No fork there.'}]"),
               'queue_result')
    catalog = load_catalog(tmp_path)
    return site.pages(catalog, [EnvironmentResults(environment(), records)])


def test_every_page_is_generated(tmp_path):
    pages = build(tmp_path, [record()])
    assert set(pages) == {'matrix.md', 'cases/index.md', 'cases/queue_result.md', 'results.json',
                          'results.schema.json'}
    assert site.FILTER_BOX in pages['matrix.md'] and site.FILTER_BOX in pages['cases/index.md']
    assert json.loads(pages['results.json'])['environments'][0]['environment']['id'] \
        == 'linux-x86_64-cpython-3.12.1'


def test_case_page_includes_the_source_and_explains_overrides(tmp_path):
    page = build(tmp_path, [record()])['cases/queue_result.md']
    assert page.startswith('# A good case\n')
    assert '--8<-- "cases/queue_result.py"' in page
    assert ('| macos | fork | <span class="verdict verdict-error">error</span> | No fork there. |'
            in page)
    assert ('| linux-x86_64-cpython-3.12.1 | · | '
            '<span class="verdict verdict-propagates">propagates</span> | · |') in page


def test_printed_output_is_escaped(tmp_path):
    hostile = '<script>alert(1)</script>\n```\n# super().__init__(obj) *x*'
    page = build(tmp_path, [record(stdout=hostile, stderr='<b>x</b>')])['cases/queue_result.md']
    assert '<script>' not in page and '<b>' not in page and '__init__' not in page
    assert ('<pre><code>&lt;script&gt;alert&#40;1&#41;&lt;/script&gt;&#10;&#96;&#96;&#96;&#10;'
            '&#35; super&#40;&#41;&#46;&#95;&#95;init&#95;&#95;&#40;obj&#41; &#42;x&#42;</code></pre>'
            ) in page


def test_a_mismatch_is_marked_on_the_matrix(tmp_path):
    page = build(tmp_path, [record(method='fork', verdict='isolated')])['matrix.md']
    assert ('<span class="mismatch" title="failed"><span class="verdict verdict-isolated">isolated'
            '</span> <small>expected propagates</small></span>') in page


def test_no_results_yet(tmp_path):
    write_case(tmp_path, GOOD, 'queue_result')
    pages = site.pages(load_catalog(tmp_path), [])
    assert 'No results yet' in pages['matrix.md']
    assert 'No results for this case yet.' in pages['cases/queue_result.md']


def test_related_cases_are_linked_by_title(tmp_path):
    write_case(tmp_path, GOOD.replace('A good case', 'The fix'), 'the_fix')
    write_case(tmp_path, GOOD.replace("RELATED = []", "RELATED = ['the_fix']"), 'the_problem')
    page = site.pages(load_catalog(tmp_path), [])['cases/the_problem.md']
    assert '- [The fix](the_fix.md) (`the_fix`)' in page


def test_a_title_is_plain_text_not_markdown(tmp_path):
    write_case(tmp_path, GOOD.replace('A good case', 'A field dropped by __getstate__ | <b>'), 'odd')
    pages = site.pages(load_catalog(tmp_path), [])
    assert pages['cases/odd.md'].startswith(r'# A field dropped by \_\_getstate\_\_ \| &lt;b&gt;')
    assert r'[A field dropped by \_\_getstate\_\_ \| &lt;b&gt;](odd.md)' in pages['cases/index.md']


def test_the_summary_shows_agreement_once_and_disagreement_with_counts(tmp_path):
    write_case(tmp_path, GOOD, 'queue_result')
    catalog = load_catalog(tmp_path)
    old, new = environment('3.8.18'), environment('3.13.0')
    crash = record(method='fork', verdict='error', error_type='SIGSEGV')
    raised = record(method='fork', verdict='error', error_type='RuntimeError')
    page = site.pages(catalog, [
        EnvironmentResults(old, [record(), crash, record(method='forkserver')]),
        EnvironmentResults(new, [record(), raised, record(method='forkserver', verdict='isolated')]),
    ])['matrix.md']
    row = next(line for line in page.splitlines() if line.startswith('| [A good case]'))
    fork, spawn, forkserver = row.split(' | ')[1:4]
    assert fork == ('<span class="mismatch" title="failed somewhere"><span class="verdict '
                    'verdict-error">error</span> <small>(RuntimeError, SIGSEGV)</small></span>')
    assert spawn == '<span class="verdict verdict-propagates">propagates</span>'
    assert 'isolated</span> <small title="linux-x86_64-cpython-3.13.0">×1</small>' in forkserver
