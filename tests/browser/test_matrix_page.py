"""The matrix page in Chromium: filters, toggles, URL state, anchors, ranges, phones, no JS."""
from __future__ import annotations

import dataclasses
import re

from mpmatrix import site

from ..test_catalog import environment
from .conftest import PHONE


def visible_rows(page):
    return page.locator('table.matrix tbody tr[data-family]:visible')


def row_count(page):
    text = page.locator('.row-count').inner_text()
    shown, total = re.fullmatch(r'(\d+) of (\d+) cases', text).groups()
    assert int(shown) == visible_rows(page).count()
    return int(shown), int(total)


def test_without_filters_every_case_is_shown_with_a_count(site_page):
    page = site_page().open('matrix.html')
    shown, total = row_count(page)
    assert shown == total > 50
    assert page.locator('.no-match').is_hidden()


def test_the_start_method_filter_keeps_only_that_column(site_page):
    page = site_page().open('matrix.html')
    page.select_option('select[name=method]', 'spawn')
    headers = page.locator('table.matrix thead th:visible').all_inner_texts()
    assert headers == ['case', 'spawn']
    assert page.url.endswith('matrix.html?method=spawn')


def test_verdict_filter_shows_rows_with_that_verdict_in_the_chosen_columns(site_page):
    page = site_page().open('matrix.html')
    page.select_option('select[name=verdict]', 'hang')
    shown, total = row_count(page)
    assert 0 < shown < total
    for row in visible_rows(page).all():
        assert 'hang' in row.inner_text()


def test_free_text_matches_words_not_parts_of_words(site_page):
    page = site_page().open('matrix.html')
    page.fill('input[name=q]', 'hang')
    titles = visible_rows(page).locator('th').all_inner_texts()
    assert titles and not any('changes' in title and 'hang' not in title.replace('changes', '')
                              for title in titles)
    page.fill('input[name=q]', 'changes')
    assert row_count(page)[0] >= 3


def test_the_placeholder_example_works_spawn_error(site_page):
    page = site_page().open('matrix.html')
    page.fill('input[name=q]', 'spawn error')
    shown, _ = row_count(page)
    assert shown > 0
    for row in visible_rows(page).all():
        assert 'error' in row.locator('td[data-method=spawn]').inner_text()
    assert page.locator('table.matrix thead th:visible').all_inner_texts() == ['case', 'spawn']


def test_family_and_direction_filters(site_page):
    page = site_page().open('matrix.html')
    page.select_option('select[name=family]', 'managers')
    page.select_option('select[name=direction]', 'child-to-parent')
    rows = visible_rows(page).all()
    assert rows
    for row in rows:
        assert row.get_attribute('data-family') == 'managers'
        assert row.get_attribute('data-direction') == 'child-to-parent'
    assert page.locator('tbody[data-family=pickling]').is_hidden()


def test_narrowing_environments_recomputes_the_cells(site_page):
    page = site_page().open('matrix.html')
    # The fixture crashes some fork cases on CPython before 3.11 only.
    crashed = page.locator('td[data-method=fork]', has_text='error (SIGSEGV)').first
    row_id = crashed.locator('xpath=..').get_attribute('id')
    assert 'CPython 3.8–3.10' in crashed.inner_text()
    page.select_option('select[name=from]', '3.11')
    cell = page.locator(f'tr[id="{row_id}"] td[data-method=fork]')
    assert 'SIGSEGV' not in cell.inner_text()
    page.select_option('select[name=from]', '')
    page.select_option('select[name=to]', '3.10')
    page.select_option('select[name=impl]', 'CPython')
    page.select_option('select[name=os]', 'linux')
    assert cell.inner_text().strip() == '≠ error (SIGSEGV)' or cell.inner_text().strip() == 'error (SIGSEGV)'


def test_the_script_names_where_an_outcome_was_seen_as_the_generator_does(site_page):
    """Two machines of one OS (macOS arm64 and x86_64) are two series of versions in the cells
    the page recomputes, as in those the generator wrote."""
    arm = [dataclasses.replace(environment(version, 'macos'), machine='arm64')
           for version in ('3.12.1', '3.13.0')]
    intel = [environment(version, 'macos') for version in ('3.8.18', '3.9.18')]
    envs = sorted([*arm, *intel, environment('3.12.1'), environment('3.13.0')], key=lambda env: env.sort_key)
    page = site_page().open('matrix.html')
    for hits in [{env.id for env in arm}, {arm[1].id, intel[1].id}, {env.id for env in envs},
                 {env.id for env in envs if env.python_version >= '3.12'}]:
        expected = site.where(hits, envs)
        assert page.evaluate('([hits, seen]) => where(new Set(hits), seen)',
                             [sorted(hits), [site.environment_data(env) for env in envs]]) == expected


def test_the_toggles(site_page):
    page = site_page().open('matrix.html')
    _, total = row_count(page)
    page.check('input[name=methods-disagree]')
    methods_disagree, _ = row_count(page)
    assert 0 < methods_disagree < total
    page.uncheck('input[name=methods-disagree]')
    page.check('input[name=envs-disagree]')
    envs_disagree, _ = row_count(page)
    assert 0 < envs_disagree < total
    for row in visible_rows(page).all():
        assert row.locator('.where').count() > 0


def test_no_case_matches_says_so(site_page):
    page = site_page().open('matrix.html')
    page.fill('input[name=q]', 'nosuchthingatall')
    assert row_count(page)[0] == 0
    assert page.locator('.no-match').is_visible()


def test_a_shared_link_restores_the_filters(site_page):
    page = site_page().open('matrix.html?method=fork&verdict=error&envs-disagree=1')
    assert page.input_value('select[name=method]') == 'fork'
    assert page.input_value('select[name=verdict]') == 'error'
    assert page.is_checked('input[name=envs-disagree]')
    assert page.locator('table.matrix thead th:visible').all_inner_texts() == ['case', 'fork']
    shown, total = row_count(page)
    assert 0 < shown < total


def test_rows_have_anchors(site_page):
    page = site_page().open('matrix.html#manager_dict')
    row = page.locator('tr#manager_dict')
    assert row.is_visible()
    assert page.evaluate('document.querySelector("tr#manager_dict").getBoundingClientRect().top') < 900
    assert row.locator('a.row-anchor').get_attribute('href') == '#manager_dict'


def test_a_malformed_fragment_or_a_huge_query_in_a_link_is_harmless(site_page):
    """'#%E0%A4%A' threw URIError (the fixture fails on any page error); a 960 KB query froze the
    tab for 15 s, then again on every filter change."""
    page = site_page().open('matrix.html#%E0%A4%A')
    assert row_count(page)[0] > 0
    page = site_page().open('matrix.html?q=' + 'fork+' * 2000 + 'zz+' * 2000)
    assert page.input_value('input[name=q]') == 'fork ' * 40  # 200 characters: no 'zz' is left
    shown, total = row_count(page)
    assert shown == total
    assert page.locator('table.matrix thead th:visible').all_inner_texts() == ['case', 'fork']


def test_ranges_are_visible_text(site_page):
    page = site_page().open('matrix.html')
    text = page.locator('table.matrix').inner_text()
    assert re.search(r'error \(SIGSEGV\): CPython 3\.8–3\.10', text)
    assert 'CPython 3.11+' in text


# The sticky header and the "back to top" button float over the page; these tests look at the table.
NO_FLOATING_HEADER = '.md-header, .md-top { visibility: hidden !important; }'
# How many lines an element's text takes.
TEXT_LINES = """element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
}"""


def test_on_a_phone_the_case_column_stays_in_view_and_nothing_shows_through_it(site_page):
    page = site_page(PHONE).open('matrix.html#manager_dict')
    page.add_style_tag(content=NO_FLOATING_HEADER)
    scroller = page.locator('.matrix-scroll')
    assert scroller.evaluate('element => element.scrollWidth > element.clientWidth + 100')
    cells = {'the linked row': page.locator('tr#manager_dict th[scope=row]'),
             'another row': page.locator('tr#manager_list th[scope=row]'),
             'the header row': page.locator('table.matrix thead th').first}
    before = {name: cell.screenshot() for name, cell in cells.items()}
    scroller.evaluate('element => { element.scrollLeft = element.scrollWidth; }')
    assert scroller.evaluate('element => element.scrollLeft') > 100
    for name, cell in cells.items():
        box = cell.bounding_box()
        assert 0 <= box['x'] < 60, name
        # Pixel for pixel as before: the method columns scrolled beneath it do not show through.
        assert cell.screenshot() == before[name], f'{name}: the scrolled columns show through'
    # A family's row spans the table; its label stays in view as well.
    label = page.locator('tr.family-row .family-label').first
    label.scroll_into_view_if_needed()
    assert 0 <= label.bounding_box()['x'] < 60
    assert page.evaluate('document.documentElement.scrollWidth') <= PHONE['width'] + 1


def test_on_a_phone_each_column_heading_reads_on_one_line(site_page):
    page = site_page(PHONE).open('matrix.html')
    headings = page.locator('table.matrix thead th')
    assert headings.all_inner_texts() == ['case', 'fork', 'spawn', 'forkserver']
    for heading in headings.all():
        assert heading.evaluate(TEXT_LINES) == 1, heading.inner_text()
        assert heading.evaluate('element => element.scrollWidth <= element.clientWidth')


def test_without_javascript_the_table_reads_and_the_filters_are_hidden(site_page):
    page = site_page(javascript=False).open('matrix.html')
    assert page.locator('form.matrix-filters').is_hidden()
    assert visible_rows(page).count() > 50
    assert 'error (SIGSEGV): CPython 3.8–3.10' in page.locator('table.matrix').inner_text()
