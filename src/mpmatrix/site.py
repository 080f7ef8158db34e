"""Turn the catalogue and the results into the site's pages.

The pages are Jinja2 templates (``templates/site/``) fed by plain data built
here. Everything a case or a results file contains is untrusted: the templates
autoescape every value, and put such values only inside HTML blocks that the
page's Markdown takes whole without reading (``RawHtmlBlocks``). The docstring
explanations are Markdown; they are rendered here with raw HTML and unsafe link
schemes turned off, then put through an allow-list of tags and attributes (an
extension may write HTML of its own). The case's source is read by the harness
itself (a regular file inside the case directory, never a symlink), highlighted
and escaped by Pygments.
"""
from __future__ import annotations

import collections
import dataclasses
import html
import json
import os
import re
import stat
import urllib.parse
import xml.etree.ElementTree
from pathlib import Path

import jinja2
import markdown
import markupsafe
import nh3
import pygments
import pygments.formatters
import pygments.lexers
import pygments.token
import pymdownx.highlight
import yaml

from mpmatrix import START_METHODS, results, untrusted
from mpmatrix.catalog import FAMILIES, Case

DIRECTION_LABELS = {
    'child-to-parent': 'child → parent',
    'parent-to-child-at-start': 'parent → child, at start',
    'parent-to-child-after-start': 'parent → child, after start',
    'sibling-to-sibling': 'sibling → sibling',
}
FAMILY_LABELS = {
    'instance-attributes': 'Instance attributes',
    'globals-and-class-state': 'Globals and class state',
    'shared-ctypes': 'Shared ctypes',
    'managers': 'Managers',
    'shared-memory': 'Shared memory',
    'message-passing': 'Message passing',
    'pools-and-executors': 'Pools and executors',
    'process-wide-state': 'Process-wide state',
    'pickling': 'Pickling and the entry point',
}
OS_LABELS = {'linux': 'Linux', 'macos': 'macOS', 'windows': 'Windows'}
IMPLEMENTATION_LABELS = {'cpython': 'CPython', 'pypy': 'PyPy'}
VERDICT_WORDS = ('propagates', 'isolated', 'error', 'hang', 'unavailable', 'broken')
GUIDES = ('fork-to-forkserver', 'linux-vs-macos-and-windows', 'works-everywhere', 'version-changes',
          'seen-in-the-wild')
# What a case page shows of one captured stream; the rest is in a file beside the page.
OUTPUT_SHOWN_CHARS = 4000
OUTPUT_SHOWN_LINES = 60
SAFE_LINK_SCHEMES = ('', 'http', 'https', 'mailto')
SAFE_SOURCE_SCHEMES = ('',)  # an image from elsewhere would be fetched by every reader: relative only
# What a docstring's Markdown makes (Python-Markdown with admonitions and tables, code fences
# highlighted by Pygments): anything else in an explanation's HTML, ids included, is dropped.
EXPLANATION_TAGS = {'a', 'blockquote', 'br', 'code', 'div', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
                    'hr', 'img', 'li', 'ol', 'p', 'pre', 'span', 'strong', 'table', 'tbody', 'td',
                    'th', 'thead', 'tr', 'ul'}
EXPLANATION_ATTRIBUTES = {'a': {'href', 'title'}, 'img': {'alt', 'src', 'title'},
                          'td': {'style'}, 'th': {'style'}}  # style: a table column's text-align
# Classes only the explanation's own: the theme's (md-dialog, md-consent__overlay) are position:fixed.
ADMONITION_TYPES = {'note', 'abstract', 'summary', 'tldr', 'info', 'todo', 'tip', 'hint', 'important',
                    'success', 'check', 'done', 'question', 'help', 'faq', 'warning', 'caution',
                    'attention', 'failure', 'fail', 'missing', 'danger', 'error', 'bug', 'example',
                    'quote', 'cite'}
EXPLANATION_CLASSES = {'div': {'admonition', 'highlight', 'mechanism', *ADMONITION_TYPES},
                       'p': {'admonition-title'},
                       'span': {'filename', *filter(None, pygments.token.STANDARD_TYPES.values())}}
# What a browser's URL parser drops: tabs and newlines anywhere, C0 controls and spaces around.
URL_IGNORED = re.compile('[\t\n\r]')
URL_STRIPPED = ''.join(map(chr, range(0x21)))
EXPECTATION = re.compile(r'(?P<word>[a-z]+)(?: \((?P<type>[^()]+)\))?\Z')
# The languages a docstring's code fence is highlighted in (others are shown as text): lexers
# checked against inputs that make others take exponential time.
FENCE_LANGUAGES = {'python', 'py', 'python3', 'pycon', 'console', 'bash', 'sh', 'shell', 'json', 'text'}
# The lines around HTML that the page's Markdown takes as it is (see RawHtmlBlocks).
RAW_HTML_START = '<!-- mpmatrix: html -->'
RAW_HTML_END = '<!-- /mpmatrix: html -->'
# What Python-Markdown's backslash escapes (markdown.Markdown.ESCAPED_CHARS).
MARKDOWN_ESCAPABLE = re.compile(r'([\\`*_{}\[\]()>#+\-.!])')
# A docstring's list item that opens "Under **spawn** and **forkserver**," explains those methods.
MECHANISM_JOINS = re.compile(r'\s*(,|and|, and)\s*')
# A docstring's issue references, linked where they stand ("Seen in the wild"): owner/repo#N on
# GitHub (names as GitHub allows them), and CPython's own gh-N, GH-N (its pull requests) and bpo-N.
# Not inside a word, a path or a URL; a bare #N names no repository and stays text.
ISSUE_REFERENCE = re.compile(
    r'(?<![\w/.#-])(?:(?P<owner>[A-Za-z0-9][A-Za-z0-9-]{0,38})/(?P<repo>[A-Za-z0-9._-]{1,100})#'
    r'|(?P<cpython>gh-|GH-)|(?P<bpo>bpo-))(?P<number>[1-9][0-9]{0,6})(?![\w-])')
# A case's "Seen in the wild" paragraph, to the next paragraph that opens in bold or the end.
SEEN_IN_THE_WILD = re.compile(r'(?:\A|\n\s*\n)\*\*Seen in the wild\.\*\*(?P<section>.*?)'
                              r'(?=\n\s*\n\*\*|\Z)', re.DOTALL)
TEMPLATES = Path(__file__).with_name('templates') / 'site'


class SiteError(Exception):
    """The site cannot be built from this input (e.g. a case file that is not a regular file)."""


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What one run showed: a verdict word and, for errors, the exception type or signal."""

    word: str
    error_type: str = None

    @property
    def label(self) -> str:
        return f'{self.word} ({self.error_type})' if self.error_type else self.word


@dataclasses.dataclass
class Part:
    outcome: Outcome
    where: str  # '' when every environment agrees
    failed: bool


@dataclasses.dataclass
class Output:
    stream: str
    text: str = dataclasses.field(repr=False)
    shown: str
    total_chars: int
    full_path: str = None  # the whole text as a file, when the page shows only its start
    printed_chars: int = None  # set when the results file kept only part of what was printed


def pages(catalog, environments: list) -> dict:
    """Every generated file: path (relative to the docs dir) -> text."""
    environments = sorted(environments, key=lambda entry: entry.environment.sort_key)
    envs = [entry.environment for entry in environments]
    by_env = {entry.environment.id: records_by_key(entry) for entry in environments}
    titles = {case.name: case.title for case in catalog.cases}
    rows = [case_row(case, envs, by_env) for case in catalog.cases]
    generated = {
        'matrix.md': render('matrix.md.j2', **matrix_data(catalog, envs, rows)),
        'cases/index.md': render('cases_index.md.j2', families=families(catalog.cases),
                                 expected=expected_cells, elsewhere=expected_elsewhere),
        'environments/index.md': render('environments_index.md.j2', envs=envs,
                                        env_page=env_page_path, describe=describe_environment,
                                        counts={entry.environment.id: outcome_counts(entry)
                                                for entry in environments}),
        'results.json': json_for_html({'schema_version': results.SCHEMA_VERSION,
                                       'environments': [entry.as_dict() for entry in environments]}),
        'results.schema.json': results.SCHEMA_PATH.read_text(encoding='utf-8'),
    }
    for name, (template, data) in guides(catalog, envs, rows).items():
        generated[f'guides/{name}.md'] = render(template, **data)
    for entry in environments:
        env = entry.environment
        generated[env_page_path(env)] = render(
            'environment.md.j2', env=env, describe=describe_environment(env), cases=catalog.cases,
            records=by_env[env.id], methods=START_METHODS, record_outcome=record_outcome,
            counts=outcome_counts(entry))
    for case, row in zip(catalog.cases, rows):
        evidence = case_evidence(case, envs, by_env)
        generated.update({output.full_path: output.text for runs in evidence.values()
                          for run in runs for output in run['outputs'] if output.full_path})
        if f'cases/{case.name}.md' in generated:
            raise SiteError(f'{case.path}: its page would replace the site\'s cases/{case.name}.md')
        generated[f'cases/{case.name}.md'] = render(
            'case.md.j2', case=case, row=row, titles=titles, methods=START_METHODS,
            family=FAMILY_LABELS[case.family], direction=DIRECTION_LABELS[case.direction],
            explanation=case_explanation(case), source=source_html(case),
            expected=expected_cells(case), elsewhere=expected_elsewhere(case), evidence=evidence)
    return generated


def navigation(catalog, environments: list) -> list:
    """The site's nav, as mkdocs' ``nav`` setting. Pages are listed without titles: each page's
    front matter (escaped there) names it."""
    envs = sorted((entry.environment for entry in environments), key=lambda env: env.sort_key)
    return [
        'index.md',
        'matrix.md',
        {'Guides': [f'guides/{name}.md' for name in GUIDES]},
        {'Cases': ['cases/index.md'] + [{label: [f'cases/{case.name}.md' for case in members]}
                                        for label, members in families(catalog.cases)]},
        {'Environments': ['environments/index.md'] + [env_page_path(env) for env in envs]},
        'contributing.md',
    ]


# --- Rendering: one Jinja2 environment, autoescaping everything -------------------------------

def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=True, undefined=jinja2.StrictUndefined, finalize=_no_controls,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters['front_matter'] = front_matter_string
    env.filters['json_script'] = lambda value: markupsafe.Markup(json_for_html(value))
    env.filters['slug'] = slug
    env.filters['markdown_literal'] = markdown_literal
    env.globals.update(verdict_words=VERDICT_WORDS, os_labels=OS_LABELS,
                       raw_html_start=markupsafe.Markup(RAW_HTML_START),
                       raw_html_end=markupsafe.Markup(RAW_HTML_END),
                       direction_labels=DIRECTION_LABELS, family_labels=FAMILY_LABELS,
                       implementation_label=implementation_label)
    return env


_JINJA = None


def render(template: str, **data) -> str:
    global _JINJA
    if _JINJA is None:
        _JINJA = _environment()
    return _JINJA.get_template(template).render(**data)


def _no_controls(value):
    """Control characters (Markdown's own placeholders use two) become U+FFFD in every value."""
    if isinstance(value, str):
        cleaned = untrusted.CONTROLS.sub('\ufffd', value)
        return markupsafe.Markup(cleaned) if isinstance(value, markupsafe.Markup) else cleaned
    return value


def front_matter_string(value: str) -> markupsafe.Markup:
    """A YAML string for the page's front matter; themes insert the title as HTML, so escape it.

    Every character but printable ASCII is written as an escape YAML reads: ``\\U0001f600``, as
    YAML reads no surrogate pair (JSON's ``\\ud83d\\ude00``), and a front matter that does not
    parse would be shown as the page's text, Markdown and all.
    """
    escaped = html.escape(str(value))
    text = '"' + ''.join(_yaml_escape(character) for character in escaped) + '"'
    if yaml.safe_load(text) != escaped:
        raise SiteError(f'cannot write {escaped!r} as a YAML string')
    return markupsafe.Markup(text)


def _yaml_escape(character: str) -> str:
    if ' ' <= character <= '~':
        return '\\' + character if character in '"\\' else character
    code = ord(character)
    return f'\\u{code:04x}' if code < 0x10000 else f'\\U{code:08x}'


def json_for_html(value, indent=None) -> str:
    """JSON that stays data inside a <script> block or when a browser sniffs it as HTML."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    return text.replace('<', '\\u003c').replace('>', '\\u003e').replace('&', '\\u0026')


def slug(value: str) -> str:
    return re.sub(r'[^a-z0-9]+', '-', str(value).lower()).strip('-')


# --- Plain data for the templates --------------------------------------------------------------

def records_by_key(entry) -> dict:
    return {record.key: record for record in entry.records}


def families(cases) -> list:
    grouped = [(FAMILY_LABELS[family], [case for case in cases if case.family == family])
               for family in FAMILIES]
    return [(label, members) for label, members in grouped if members]


def split_expectation(text: str) -> Outcome:
    """``'error (RuntimeError)'`` -> Outcome('error', 'RuntimeError'); a bare word stays a word."""
    match = EXPECTATION.match(text or '')
    if not match:
        return Outcome('broken')
    return Outcome(match.group('word'), match.group('type'))


def expected_cells(case: Case) -> dict:
    return {method: split_expectation(case.expected[method]) for method in START_METHODS}


def expected_elsewhere(case: Case) -> dict:
    """method -> [(Outcome, where)]: what the case's overrides expect instead, one entry per
    outcome, its places joined by "or" (``'Python < 3.12'``, ``'windows or macos'``): the
    alternatives themselves are separated by semicolons."""
    elsewhere = {}
    for method in START_METHODS:
        places = collections.OrderedDict()
        for override in case.overrides:
            if method in override.expect:
                places.setdefault(split_expectation(override.expect[method]), []).append(override.describe())
        elsewhere[method] = [(outcome, ' or '.join(where)) for outcome, where in places.items()]
    return elsewhere


def record_outcome(record) -> Outcome:
    return Outcome(record.verdict or 'broken', record.error_type)


def markdown_literal(value) -> str:
    """Text that Markdown shows as it is, where a value lands outside HTML (a heading): each
    character Python-Markdown can escape is escaped (``_x_`` would be emphasis)."""
    return MARKDOWN_ESCAPABLE.sub(r'\\\1', str(value))


def implementation_label(env) -> str:
    label = IMPLEMENTATION_LABELS.get(env.implementation, env.implementation)
    return f'{label} free-threaded' if env.free_threaded else label


def env_page_path(env) -> str:
    return f'environments/{env.id}.md'


def describe_environment(env) -> dict:
    """The environment's metadata as label -> text; fields older results lack are left out."""
    facts = {
        'Operating system': f'{OS_LABELS.get(env.os, env.os)} {env.os_release} ({env.machine})',
        'Implementation': f'{implementation_label(env)} {env.implementation_version}',
        'Python': env.python_version + (' (free-threaded build)' if env.free_threaded else ''),
        'Default start method': env.default_start_method,
        'Start methods available': ', '.join(env.available_start_methods),
    }
    for label, field in (('Runner', 'runner'), ('Commit', 'commit'), ('Recorded at', 'recorded_at')):
        value = getattr(env, field, None)
        if value:
            facts[label] = str(value)
    return facts


def outcome_counts(entry) -> dict:
    counts = collections.Counter(record.outcome for record in entry.records)
    return {'passed': counts['passed'], 'failed': counts['failed'], 'skipped': counts['skipped']}


def version_labels(envs: list) -> dict:
    """Environment id -> ``3.11``, or ``3.11.5`` where another of ``envs`` shares the minor version."""
    minors = {env.id: '.'.join(env.python_version.split('.')[:2]) for env in envs}
    shared = collections.Counter(minors.values())
    return {env.id: (env.python_version if shared[minors[env.id]] > 1 else minors[env.id])
            + ('t' if env.free_threaded else '') for env in envs}


def platform_labels(envs: list) -> dict:
    """Environment id -> ``macOS``, or ``macOS (arm64)`` where ``envs`` hold that OS on more than
    one machine: the versions of one machine are a series, those of two are not."""
    machines = collections.defaultdict(set)
    for env in envs:
        machines[env.os].add(env.machine)
    return {env.id: OS_LABELS.get(env.os, env.os) + (f' ({env.machine})' if len(machines[env.os]) > 1 else '')
            for env in envs}


@dataclasses.dataclass
class Group:
    """The environments of one implementation on one platform (OS and machine), in version order."""

    envs: list
    labels: list  # each one's version label
    positions: dict  # environment id -> index in envs


def grouped(envs: list) -> dict:
    """Implementation label -> platform label -> Group, in the order of ``envs``."""
    members, platforms = collections.OrderedDict(), platform_labels(envs)
    for env in envs:
        by_os = members.setdefault(implementation_label(env), collections.OrderedDict())
        by_os.setdefault(platforms[env.id], []).append(env)
    groups = collections.OrderedDict()
    for label, by_os in members.items():
        groups[label] = collections.OrderedDict()
        for os_name, group in by_os.items():
            labels = version_labels(group)
            groups[label][os_name] = Group(group, [labels[env.id] for env in group],
                                           {env.id: index for index, env in enumerate(group)})
    return groups


def version_ranges(group: Group, hits: set) -> str:
    """Consecutive versions (of those seen) collapsed: '3.8–3.10, 3.12+'; '' when all of them.
    In time linear in the hits, not in the group: a cell may have as many outcomes as environments."""
    positions = sorted(group.positions[env_id] for env_id in hits if env_id in group.positions)
    if len(positions) == len(group.envs):
        return ''
    spans = []
    for position in positions:
        if spans and spans[-1][1] == position - 1:
            spans[-1][1] = position
        else:
            spans.append([position, position])
    last_one, labels = len(group.envs) - 1, group.labels
    texts = []
    for first, last in spans:
        if last == last_one:
            texts.append(labels[first] + '+')
        elif first == last:
            texts.append(labels[first])
        else:
            texts.append(f'{labels[first]}–{labels[last]}')
    return ', '.join(texts)


def where(hits: set, envs: list, groups: dict = None) -> str:
    """Where an outcome was seen, as 'CPython 3.8–3.10, PyPy' (by OS only where OSes differ).
    ``groups``: ``grouped(envs)``, when the caller asks about the same environments many times."""
    parts = []
    for label, by_os in (grouped(envs) if groups is None else groups).items():
        texts = {platform: version_ranges(group, hits) for platform, group in by_os.items()
                 if any(env_id in group.positions for env_id in hits)}
        if not texts:
            continue
        if len(texts) == len(by_os) and len(set(texts.values())) == 1:
            parts.append(f'{label} {next(iter(texts.values()))}'.strip())
        else:
            parts += [f'{label} {text}'.strip() + f' on {platform}' for platform, text in texts.items()]
    return ', '.join(parts)


def cell(observed: list, envs: list) -> list:
    """One case x method across environments: a Part per outcome, with where unless all agree."""
    by_outcome = collections.OrderedDict()
    for env, record in observed:
        by_outcome.setdefault(record_outcome(record), []).append((env, record))
    groups = grouped([env for env, _ in observed]) if len(by_outcome) > 1 else None
    return [Part(outcome,
                 where({env.id for env, _ in found}, [], groups) if groups else '',
                 any(record.outcome == 'failed' for _, record in found))
            for outcome, found in by_outcome.items()]


def case_row(case: Case, envs: list, by_env: dict) -> dict:
    cells, observations = {}, {}
    for method in START_METHODS:
        observed = [(env, by_env[env.id][(case.name, method)]) for env in envs
                    if (case.name, method) in by_env[env.id]
                    and by_env[env.id][(case.name, method)].outcome != 'skipped']
        cells[method] = cell(observed, envs)
        observations[method] = observed
    return {'case': case, 'cells': cells, 'observations': observations}


def matrix_data(catalog, envs: list, rows: list) -> dict:
    """The matrix page: rows by family, and the compact data its filters use in the browser."""
    outcomes, index = [], {}

    def outcome_index(outcome):
        if outcome not in index:
            index[outcome] = len(outcomes)
            outcomes.append({'word': outcome.word, 'label': outcome.label})
        return index[outcome]

    env_index = {env.id: position for position, env in enumerate(envs)}
    data_rows = {}
    for row in rows:
        data_rows[row['case'].name] = {
            method: [[env_index[env.id], outcome_index(record_outcome(record)),
                      int(record.outcome == 'failed')] for env, record in row['observations'][method]]
            for method in START_METHODS}
    by_name = {row['case'].name: row for row in rows}
    grouped = [(label, [by_name[case.name] for case in members])
               for label, members in families(catalog.cases)]
    data = {
        'methods': list(START_METHODS),
        'envs': [environment_data(env) for env in envs],
        'outcomes': outcomes,
        'rows': data_rows,
    }
    minors = sorted({tuple(_version_numbers(env.python_version)[:2]) for env in envs})
    return {
        'envs': envs, 'groups': grouped, 'methods': START_METHODS, 'data': data,
        'oses': sorted({env.os for env in envs}),
        'implementations': list(collections.OrderedDict.fromkeys(map(implementation_label, envs))),
        'versions': ['.'.join(map(str, minor)) for minor in minors],
        'env_page': env_page_path,
    }


# --- The guides: every claim derived from the results, each naming the case behind it ------

def method_differences(rows: list, first: str, second: str) -> list:
    """Cases whose outcome differs between two start methods in some environment that ran both."""
    found, by_name = [], _rows_by_name(rows)
    for row in rows:
        under_first = {env.id: record_outcome(record) for env, record in row['observations'][first]}
        differing = [env for env, record in row['observations'][second]
                     if env.id in under_first and under_first[env.id] != record_outcome(record)]
        if differing:
            fixes = [name for name in row['case'].related
                     if name in by_name and _works_under(by_name[name], second)]
            found.append({'row': row, 'first': row['cells'][first], 'second': row['cells'][second],
                          'fixes': fixes})
    return found


def _rows_by_name(rows: list) -> dict:
    return {row['case'].name: row for row in rows}


def _works_under(row: dict, method: str) -> bool:
    observed = row['observations'][method]
    return bool(observed) and all(record_outcome(record).word == 'propagates' for _, record in observed)


def os_differences(rows: list, envs: list) -> list:
    """Case x method whose outcome differs between OSes for the same interpreter version."""
    found, platforms = [], platform_labels(envs)
    for row in rows:
        for method in START_METHODS:
            by_interpreter = collections.defaultdict(dict)
            for env, record in row['observations'][method]:
                key = (implementation_label(env), env.python_version)
                by_interpreter[key][platforms[env.id]] = record_outcome(record)
            if any(len(set(outcomes.values())) > 1 for outcomes in by_interpreter.values()):
                found.append({'row': row, 'method': method, 'cell': row['cells'][method]})
    return found


def works_everywhere(rows: list) -> list:
    """By family, the cases that propagate under every start method in every environment."""
    grouped = collections.OrderedDict()
    for row in rows:
        if all(_works_under(row, method) for method in START_METHODS):
            grouped.setdefault(FAMILY_LABELS[row['case'].family], []).append(row['case'])
    return list(grouped.items())


def version_changes(rows: list, envs: list) -> list:
    """Per platform and implementation, each change of outcome between consecutive versions seen."""
    groups, platforms = collections.OrderedDict(), platform_labels(envs)
    for env in envs:
        groups.setdefault((platforms[env.id], implementation_label(env)), []).append(env)
    seen = [(row, method, {env.id: record_outcome(record) for env, record in row['observations'][method]})
            for row in rows for method in START_METHODS]
    changes = []
    for (os_name, label), members in groups.items():
        steps, labels = [], version_labels(members)
        for older, newer in zip(members, members[1:]):
            changed = []
            for row, method, outcomes in seen:
                if older.id in outcomes and newer.id in outcomes and outcomes[older.id] != outcomes[newer.id]:
                    changed.append({'case': row['case'], 'method': method,
                                    'before': outcomes[older.id], 'after': outcomes[newer.id]})
            if changed:
                steps.append({'older': older, 'newer': newer, 'changes': changed,
                              'labels': (labels[older.id], labels[newer.id])})
        if len(members) > 1:
            changes.append({'os': os_name, 'implementation': label,
                            'versions': [labels[env.id] for env in members],
                            'steps': steps})
    return changes


def guides(catalog, envs: list, rows: list) -> dict:
    """Guide name -> (template, data)."""
    titles = {case.name: case.title for case in catalog.cases}
    common = {'envs': envs, 'titles': titles}
    return {
        'fork-to-forkserver': ('guide_methods.md.j2', dict(
            common, title='Moving from fork to forkserver', first='fork', second='forkserver',
            differences=method_differences(rows, 'fork', 'forkserver'), os_specific=None)),
        'linux-vs-macos-and-windows': ('guide_methods.md.j2', dict(
            common, title='Linux vs macOS and Windows', first='fork', second='spawn',
            differences=method_differences(rows, 'fork', 'spawn'),
            os_specific=os_differences(rows, envs))),
        'works-everywhere': ('guide_everywhere.md.j2', dict(common, families=works_everywhere(rows))),
        'version-changes': ('guide_versions.md.j2', dict(common, groups=version_changes(rows, envs))),
        'seen-in-the-wild': ('guide_wild.md.j2', dict(common, **seen_in_the_wild(catalog))),
    }


def field_reports(case: Case) -> list:
    """(reference, url) of each issue or pull request the case's "Seen in the wild" paragraph
    cites, in order, once each: the links its page makes there, no more."""
    found = SEEN_IN_THE_WILD.search(case.explanation)
    return list(dict.fromkeys(case_explanation(case, found.group('section')).references)) if found else []


def seen_in_the_wild(catalog) -> dict:
    """By family, the cases whose pattern real projects met, with the threads their pages cite."""
    groups, urls, projects = [], set(), set()
    for label, members in families(catalog.cases):
        cited = [(case, field_reports(case)) for case in members]
        cited = [(case, reports) for case, reports in cited if reports]
        for _, reports in cited:
            urls.update(url for _, url in reports)
            projects.update(_project(reference) for reference, _ in reports)
        if cited:
            groups.append((label, cited))
    return {'groups': groups, 'cited': sum(len(cited) for _, cited in groups),
            'total': len(catalog.cases), 'threads': len(urls), 'projects': len(projects),
            'expected': expected_cells, 'elsewhere': expected_elsewhere}


def _project(reference: str) -> str:
    """The repository a reference names, as GitHub compares names: CPython's gh-, GH- and bpo-
    numbers are python/cpython's."""
    match = ISSUE_REFERENCE.fullmatch(reference)
    return f"{match.group('owner')}/{match.group('repo')}".lower() if match.group('owner') \
        else 'python/cpython'


def environment_data(env) -> dict:
    """What the matrix page's script knows of an environment, to narrow the cells as ``where`` does."""
    return {'id': env.id, 'os': env.os, 'osLabel': OS_LABELS.get(env.os, env.os), 'machine': env.machine,
            'impl': implementation_label(env), 'python': env.python_version, 'ft': env.free_threaded,
            'version': _version_numbers(env.python_version)}


def _version_numbers(version: str) -> list:
    """``'3.16.0a2'`` -> ``[3, 16, 0]``: what the version filter compares."""
    return [int(part) for part in re.findall(r'\d+', version)[:3]]


# --- Untrusted text the harness renders itself -------------------------------------------------

class RawHtmlBlocks(markdown.Extension):
    """The page's Markdown (mkdocs.yml) takes the HTML between a line RAW_HTML_START and a line
    RAW_HTML_END whole, unread, as it takes any raw HTML block, but without parsing every tag of it
    to find where it ends (most of a 33-environment build went there), and without reading a line of
    captured output that opens a code fence as one. The templates made and escaped that HTML."""

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        # After whitespace is normalised (30), before fences (25) and HTML blocks (20) are looked for.
        md.preprocessors.register(_StashRawHtml(md), 'mpmatrix_raw_html', 27)


class _StashRawHtml(markdown.preprocessors.Preprocessor):
    def run(self, lines):
        kept, block = [], None
        for line in lines:
            if block is None:
                if line == RAW_HTML_START:
                    block = []
                else:
                    kept.append(line)
            elif line == RAW_HTML_END:
                kept += ['', self.md.htmlStash.store('\n'.join(block)), '']
                block = None
            else:
                block.append(line)
        return kept if block is None else kept + [RAW_HTML_START] + block


class _NoRawHtml(markdown.Extension):
    """Docstring Markdown without raw HTML (shown as text) and without unsafe link schemes."""

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.preprocessors.deregister('html_block')
        md.inlinePatterns.deregister('html')
        # After inline Markdown (20), before the mechanisms are taken out (-10).
        md.treeprocessors.register(_ReferenceLinks(md), 'reference_links', 5)
        md.treeprocessors.register(_SafeLinks(md), 'safe_links', 0)


def reference_url(match) -> str:
    """Where an ISSUE_REFERENCE match points, built from its names and digits alone."""
    number = match.group('number')
    if match.group('bpo'):
        return f'https://bugs.python.org/issue{number}'
    owner, repo = (match.group('owner'), match.group('repo')) if match.group('owner') \
        else ('python', 'cpython')
    return f'https://github.com/{owner}/{repo}/issues/{number}'  # GitHub redirects a pull request


class _ReferenceLinks(markdown.treeprocessors.Treeprocessor):
    """Links each issue reference of the prose, and each inline code that is one reference
    (`` `owner/repo#N` ``), leaving code blocks and existing links alone."""

    def run(self, root):
        self.md.mpmatrix_references = []
        self._link_within(root)

    def _link_within(self, element):
        # The element's own text first, then each child and its tail: references in the order
        # they are read (the links made here have no reference in their tails).
        self._link_text(element, None, 'text')
        for child in list(element):
            if child.tag == 'code' and not len(child):
                match = ISSUE_REFERENCE.fullmatch(child.text or '')
                if match:  # the code stays, inside the link
                    code = xml.etree.ElementTree.SubElement(child, 'code')
                    code.text, child.text, child.tag = child.text, None, 'a'
                    child.set('href', reference_url(match))
                    self.md.mpmatrix_references.append((match.group(0), reference_url(match)))
            elif child.tag not in ('a', 'pre', 'code'):
                self._link_within(child)
            self._link_text(element, child, 'tail')

    def _link_text(self, parent, child, which):
        """Turn the references in ``parent.text`` (child None) or ``child.tail`` into links."""
        holder = parent if child is None else child
        text = getattr(holder, which) or ''
        matches = list(ISSUE_REFERENCE.finditer(text))
        if not matches:
            return
        setattr(holder, which, text[:matches[0].start()])
        position = 0 if child is None else list(parent).index(child) + 1
        for index, match in enumerate(matches):
            link = xml.etree.ElementTree.Element('a', href=reference_url(match))
            link.text = match.group(0)
            self.md.mpmatrix_references.append((match.group(0), reference_url(match)))
            end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            link.tail = text[match.end():end]
            parent.insert(position + index, link)


class _SafeLinks(markdown.treeprocessors.Treeprocessor):
    def run(self, root):
        for element in root.iter():
            for attribute, allowed in (('href', SAFE_LINK_SCHEMES), ('src', SAFE_SOURCE_SCHEMES)):
                value = element.get(attribute)
                if value is not None and _link_scheme(value) not in allowed:
                    del element.attrib[attribute]


def _link_scheme(value: str) -> str:
    """The scheme a browser reads in a link: after decoding its character references, which the
    page keeps (``&#106;avascript:``), and dropping the tabs and newlines a browser ignores
    (``jav&#x09;ascript:``); ``'//'`` for one to another host with the page's own scheme
    (``//host``, ``/\\host``: a browser reads a backslash as a slash); None for a link that does
    not parse (``http://[``)."""
    text = html.unescape(value.replace(markdown.util.AMP_SUBSTITUTE, '&'))
    text = URL_IGNORED.sub('', text).strip(URL_STRIPPED)
    if text.replace('\\', '/').startswith('//'):
        return '//'
    try:
        return urllib.parse.urlsplit(text).scheme.lower()
    except ValueError:
        return None


@dataclasses.dataclass
class Explanation:
    """A docstring's explanation as HTML: the text around its list of mechanisms, and those."""

    before: markupsafe.Markup
    mechanisms: dict  # start method -> [Markup]: the list items that explain it
    after: markupsafe.Markup = markupsafe.Markup()
    references: list = dataclasses.field(default_factory=list)  # (reference, url) linked, in order


class _Mechanisms(markdown.treeprocessors.Treeprocessor):
    """Takes the first top-level list whose every item opens "Under **method**" out of the document,
    and what follows it; ``explanation`` renders them apart."""

    found = None

    def run(self, root):
        for index, element in enumerate(root):
            if element.tag == 'ul' and len(element) and all(map(mechanism_methods, element)):
                self.found = (element, list(root)[index + 1:])
                for child in list(root)[index:]:
                    root.remove(child)
                return


def mechanism_methods(item) -> list:
    """``['spawn', 'forkserver']`` for a list item that opens "Under **spawn** and **forkserver**,"."""
    lead = item[0] if len(item) and item[0].tag == 'p' and not (item.text or '').strip() else item
    if (lead.text or '').strip() != 'Under':
        return []
    methods = []
    for child in lead:
        if child.tag != 'strong' or child.text not in START_METHODS or len(child):
            break
        methods.append(child.text)
        if not MECHANISM_JOINS.fullmatch(child.tail or ''):
            break
    return methods


def _fragment_html(converter, elements) -> markupsafe.Markup:
    """Elements taken out of a converted document, finished as ``Markdown.convert`` finishes it."""
    wrapper = xml.etree.ElementTree.Element('div')
    wrapper.extend(elements)
    text = converter.serializer(wrapper)[len('<div>'):-len('</div>')]
    for processor in converter.postprocessors:
        text = processor.run(text)
    return _sanitized(text.strip())


def _sanitized(text: str) -> markupsafe.Markup:
    """An explanation's HTML through an allow-list (nh3, the Ammonia sanitizer). Extensions that
    write HTML themselves escape what they take from the docstring, or do not: pymdownx wrote a
    code fence's ``{ #id }`` as it was, ``"><script>`` included."""
    return markupsafe.Markup(nh3.clean(
        text, tags=EXPLANATION_TAGS, attributes=EXPLANATION_ATTRIBUTES, link_rel=None,
        allowed_classes=EXPLANATION_CLASSES, url_schemes=set(SAFE_LINK_SCHEMES) - {''},
        filter_style_properties={'text-align'}))


class _KnownLanguages(pymdownx.highlight.Highlight):
    """Highlights a code fence only in a language of FENCE_LANGUAGES, else shows it as text.

    Pygments lexers are regular expressions, and some take exponential time on short inputs that
    a docstring's fence can name: Scala's, on a quote and sixty backslashes, hung the build.
    """

    def get_lexer(self, src, language, *args, **kwargs):  # (inline, stripnl) in pymdownx 10.x
        known = language if (language or '').lower() in FENCE_LANGUAGES else 'text'
        return super().get_lexer(src, known, *args, **kwargs)


class _Highlight(pymdownx.highlight.HighlightExtension):
    """pymdownx.highlight, with the highlighter that superfences asks it for restricted."""

    def get_pymdownx_highlighter(self):
        return _KnownLanguages


def explanation(text: str) -> Explanation:
    converter = markdown.Markdown(extensions=['admonition', 'tables', 'pymdownx.superfences',
                                              _Highlight(), _NoRawHtml()])
    mechanisms = _Mechanisms(converter)
    converter.treeprocessors.register(mechanisms, 'mechanisms', -10)
    before = _sanitized(converter.convert(text))
    references = converter.mpmatrix_references
    if mechanisms.found is None:
        return Explanation(before, {}, references=references)
    items, after = mechanisms.found
    by_method = {}
    for item in items:
        item.tag = 'div'
        item.set('class', 'mechanism')
        for method in mechanism_methods(item):
            by_method.setdefault(method, []).append(_fragment_html(converter, [item]))
    return Explanation(before, by_method, _fragment_html(converter, after), references)


def case_explanation(case: Case, text: str = None) -> Explanation:
    """The case's explanation (or ``text``, a part of it) as HTML."""
    try:
        return explanation(case.explanation if text is None else text)
    except RecursionError:  # e.g. a line of a thousand nested list markers
        raise SiteError(f'{case.path}: the docstring nests too deeply to be rendered') from None


def case_source(case: Case) -> str:
    """The case's own file, refused unless it is a regular file directly in its directory."""
    path = case.path
    try:
        mode = os.lstat(path).st_mode
    except OSError as error:
        raise SiteError(f'{path}: cannot read the case source: {error}') from None
    if not stat.S_ISREG(mode) or path.resolve().parent != path.parent.resolve():
        raise SiteError(f'{path}: the case source is not a regular file in its directory; '
                        'the site includes no other file')
    return path.read_text(encoding='utf-8')


def source_html(case: Case) -> markupsafe.Markup:
    formatter = pygments.formatters.HtmlFormatter(cssclass='highlight', wrapcode=True)
    return markupsafe.Markup(pygments.highlight(case_source(case), pygments.lexers.PythonLexer(),
                                                formatter))


def shown_output(text: str) -> tuple:
    """The start of a captured stream (so a huge output keeps the page small) and whether it is cut."""
    lines = text.rstrip('\n').split('\n', OUTPUT_SHOWN_LINES)
    shown = '\n'.join(lines[:OUTPUT_SHOWN_LINES])[:OUTPUT_SHOWN_CHARS]
    return shown, len(shown) < len(text.rstrip('\n'))


def case_evidence(case: Case, envs: list, by_env: dict) -> dict:
    """Start method -> per environment that ran it: the record and its captured output, capped."""
    evidence = {method: [] for method in START_METHODS}
    for env in envs:
        for method in START_METHODS:
            record = by_env[env.id].get((case.name, method))
            if record is None or record.outcome == 'skipped':
                continue
            outputs = []
            for stream in ('stdout', 'stderr'):
                value = getattr(record, stream) or ''
                if stream == 'stderr' and not value.strip():
                    continue
                shown, cut = shown_output(value)
                outputs.append(Output(
                    stream=stream, text=value, shown=shown, total_chars=len(value),
                    full_path=f'cases/{case.name}/{env.id}-{method}-{stream}.txt' if cut else None,
                    printed_chars=getattr(record, f'{stream}_truncated', None)))
            evidence[method].append({'env': env, 'record': record, 'outcome': record_outcome(record),
                                     'outputs': outputs})
    return evidence
