"""A case page in Chromium: a tab per start method (mechanism, evidence), with and without JavaScript."""
from __future__ import annotations

CASE = 'cases/thread_lock_held_at_fork.html'  # hangs under fork, not under spawn; no fork on Windows
MECHANISM = '.method-tabs[aria-label="What happens under each start method"]'
EVIDENCE = '.method-tabs[aria-label="Evidence per start method"]'


def shown_block(page, tabs):
    """The index of the one tab whose content is shown."""
    shown = [index for index, block in enumerate(page.locator(f'{tabs} .tabbed-block').all())
             if block.is_visible()]
    assert len(shown) == 1, shown
    return shown[0]


def test_without_javascript_the_tabs_switch_by_click_and_by_keyboard(site_page):
    page = site_page(javascript=False).open(CASE)
    blocks = page.locator(f'{MECHANISM} .tabbed-block')
    assert shown_block(page, MECHANISM) == 0
    assert 'Under fork, the child is a copy' in blocks.nth(0).inner_text()
    assert 'Expected: hang · observed: hang' in blocks.nth(0).inner_text()
    page.locator(f'{MECHANISM} .tabbed-labels').get_by_text('spawn', exact=True).click()
    assert shown_block(page, MECHANISM) == 1
    assert 'Under spawn, the child re-imports the script' in blocks.nth(1).inner_text()
    page.focus('#mechanism-spawn')
    page.keyboard.press('ArrowRight')
    assert shown_block(page, MECHANISM) == 2
    assert 'Under forkserver' in blocks.nth(2).inner_text()


def test_the_evidence_tab_of_a_method_lists_the_environments_that_ran_it(site_page):
    page = site_page().open(CASE)
    evidence = page.locator(f'{EVIDENCE} .tabbed-block')
    summaries = [block.locator('details.evidence > summary').all_inner_texts() for block in evidence.all()]
    assert len(summaries[0]) == 22 and len(summaries[1]) == 33  # Windows runs spawn only
    assert 'linux-x86_64-cpython-3.12.1: hang' in summaries[0]
    assert 'windows-amd64-cpython-3.12.1: isolated' in summaries[1]
    details = evidence.nth(0).locator('details.evidence').first
    assert not details.locator('pre.output').is_visible()  # collapsed until opened
    details.locator('summary').click()
    assert 'verdict: hang' in details.locator('pre.output').inner_text()


def test_choosing_a_start_method_chooses_it_in_every_tab_set(site_page):
    page = site_page().open(CASE)
    page.locator(f'{MECHANISM} .tabbed-labels').get_by_text('forkserver', exact=True).click()
    assert shown_block(page, MECHANISM) == 2
    assert shown_block(page, EVIDENCE) == 2
