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
    assert json.loads(pages['results.json'])['environments'][0]['environment']['id'] \
        == 'linux-x86_64-cpython-3.12.1'


def test_case_page_includes_the_source_and_explains_overrides(tmp_path):
    page = build(tmp_path, [record()])['cases/queue_result.md']
    assert page.startswith('# A good case\n')
    assert '--8<-- "cases/queue_result.py"' in page
    assert '| macos | fork | error | No fork there. |' in page
    assert ('| linux-x86_64-cpython-3.12.1 | · | '
            '<span class="verdict verdict-propagates">propagates</span> | · |') in page


def test_printed_output_is_escaped(tmp_path):
    hostile = '<script>alert(1)</script>\n```\n# heading'
    page = build(tmp_path, [record(stdout=hostile, stderr='<b>x</b>')])['cases/queue_result.md']
    assert '<script>' not in page and '<b>' not in page
    assert '&lt;script&gt;alert(1)&lt;/script&gt;&#10;```&#10;# heading' in page


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
