"""A case file as source: read it safely, then check its name, text, docstring, imports and main block.

Everything here treats the file as untrusted input: it is never imported or executed.
"""
from __future__ import annotations

import ast
import codecs
import functools
import importlib.machinery
import importlib.util
import io
import re
import reprlib
import sys
import sysconfig
import tokenize
import unicodedata
import warnings
from pathlib import Path

from mpmatrix import untrusted

NAME = re.compile(r'[a-z][a-z0-9_]{0,99}\Z')
RESERVED_NAMES = ('index',)
# Windows reserves these device names with any extension: Git for Windows refuses to check out
# cases/aux.py, so one such case would break every Windows clone and CI leg.
WINDOWS_DEVICE_NAMES = ('con', 'prn', 'aux', 'nul', *(f'{port}{number}' for port in ('com', 'lpt')
                                                        for number in range(10)))
NAME_RULE = ('a case name is a lowercase ASCII identifier of at most 100 characters, '
             '[a-z][a-z0-9_]* (snake_case)')
MAX_BYTES = 1_000_000
# UTF-32 LE's opens with UTF-16 LE's.
WIDE_BYTE_ORDER_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)
REFUSED_BECAUSE = {'link': ': a case is a regular file, never a link to another file',
                   'special': '', 'large': ': a case is a short script'}
# pymdownx.snippets include marker: the site includes each case's source, so a case holding it
# could make the site publish any file the build can read.
SNIPPET_MARKER = '--8<--'
# Tab, newlines and form feed are allowed; bidirectional controls would show readers other code
# than Python runs (CVE-2021-42574), and so would characters that show as nothing (the Hangul
# fillers are letters to Python: `observedㅤ` is another name than `observed`; tag characters
# spell hidden ASCII), or as a line break to some readers only (U+2028, U+2029). Listed by hand,
# as Unicode 15 has them: the catalogue must read a case alike on every Python. Variation
# selectors are left to emoji in text; code, where they would make names, is ASCII (below).
CONTROL_CHARACTER = re.compile(
    '[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f'
    '\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff0-\ufffb'
    '\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e00ff'
    '\U000e01f0-\U000e0fff]')
# Python takes a carriage return alone for a line break; a form feed resets the indentation to
# column 0 (so `\f    print()` inside an `if` block runs outside it): one is allowed only as a
# page break, alone on its line.
LONE_CARRIAGE_RETURN = re.compile('\r(?!\n)')
FORM_FEED_IN_A_LINE = re.compile('[^\n]\f|\f[^\r\n]')
# CPython before 3.11 builds the syntax tree recursively in C without a depth check: a statement
# nested deep enough (`1+1+...`, about 100,000 terms) overflows the C stack, a SIGSEGV no except
# catches. A file of at most SMALL_ENOUGH_TO_PARSE characters cannot nest that deep (checked to
# 50,000 levels); a longer one may have no statement longer than LONGEST_STATEMENT tokens.
UNGUARDED_PARSER = sys.implementation.name == 'cpython' and sys.version_info < (3, 11)
SMALL_ENOUGH_TO_PARSE = 32_000
LONGEST_STATEMENT = 5_000
# Twice the longest explanation in the catalogue; the site renders it as Markdown, whose time
# grows with the square of some inputs ('[' * 8000 takes 7 s).
MAX_DOCSTRING = 8_000
TITLE_RULE = 'the title is the first line of the docstring, then a blank line, then the explanation'
START_METHOD_AT = ('main', 'import')

_show = reprlib.Repr()
_show.maxstring = _show.maxother = 60


class Unreadable(Exception):
    """The file cannot be read as a case at all (what it is, its encoding, its syntax)."""


def show(value) -> str:
    """A short repr of untrusted data, for error messages."""
    try:
        return _show.repr(value)
    except (ValueError, OverflowError):  # an int of more digits than Python converts (4,300)
        return f'<{type(value).__name__} too large to show>'


def name_problems(name: str) -> list:
    """Why ``name`` (a file name without ``.py``) cannot be a case's name: [] if it can."""
    if not NAME.match(name):
        return [f'{show(name)} is not a valid case name: {NAME_RULE}']
    if name in RESERVED_NAMES:
        return [f"{name!r} is reserved: the site's cases/{name}.html is its list of cases"]
    if name in WINDOWS_DEVICE_NAMES:
        return [f'{name!r} is a device name on Windows, where no file can be called {name}.py: '
                'Git for Windows could not check the case out']
    if is_stdlib_module(name):
        return [f'{name!r} is a standard-library module: cases/{name}.py would shadow it for every '
                'case, since a script\'s own directory comes first on sys.path']
    return []


def read_text(path: Path) -> str:
    """The file's text; refuses a symlink, anything but a regular file, a huge file, non-UTF-8 text."""
    try:
        data = untrusted.read_regular(path, MAX_BYTES)
    except untrusted.Refused as error:
        raise Unreadable(f'{error}{REFUSED_BECAUSE[error.kind]}') from None
    except OSError as error:
        raise Unreadable(f'cannot read: {error.strerror}') from None
    # Python reads a file in the encoding its first two lines declare (PEP 263); the catalogue
    # and the site read UTF-8. Under utf-7, '+AAo-' is a newline: a comment to the reader would
    # be code to Python, hidden from review and from the import check.
    try:  # on the lines as Python splits them: a carriage return alone ends one too
        universal = data.replace(b'\r\n', b'\n').replace(b'\r', b'\n')
        encoding, _ = tokenize.detect_encoding(io.BytesIO(universal).readline)
    except SyntaxError as error:
        if data.startswith(WIDE_BYTE_ORDER_MARKS):  # Python reads no such source
            raise Unreadable('is UTF-16 or UTF-32 text (it opens with their byte order mark): a case '
                             'is UTF-8') from None
        raise Unreadable(f'has an encoding declaration Python refuses: {error.msg}') from None
    if codecs.lookup(encoding).name not in ('utf-8', 'utf-8-sig'):
        raise Unreadable(f'declares the encoding {show(encoding)}: a case is UTF-8 (the catalogue and '
                         'the site read it so, and Python would read it otherwise)')
    try:
        text = data.decode('utf-8-sig')  # a byte order mark is allowed, as Python allows it
    except UnicodeDecodeError as error:
        line = data.count(b'\n', 0, error.start) + 1
        raise Unreadable(f'is not UTF-8 text: {error.reason} at line {line}') from None
    if '\0' in text:
        raise Unreadable(f"has a NUL byte at line {_line_of(text, text.index(chr(0)))}: "
                         'a case is plain text')
    return text


def parse(text: str, path: Path) -> ast.Module:
    if UNGUARDED_PARSER and len(text) > SMALL_ENOUGH_TO_PARSE:
        problem = _long_statement(text)
        if problem:
            raise Unreadable(problem)
    try:
        with warnings.catch_warnings():  # e.g. SyntaxWarning for an invalid escape: not ours to show
            warnings.simplefilter('ignore')
            return ast.parse(text, filename=str(path))
    except SyntaxError as error:
        raise Unreadable(f'syntax error at line {error.lineno}: {error.msg}') from None
    except (ValueError, RecursionError, MemoryError) as error:
        raise Unreadable(f'cannot be parsed: {type(error).__name__}: {error}') from None


def _long_statement(text: str) -> str:
    """Where a statement has more than LONGEST_STATEMENT tokens (its depth cannot be more)."""
    count = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                count = 0
            elif token.type not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                count += 1
                if count > LONGEST_STATEMENT:
                    return (f'line {token.start[0]}: a statement of more than {LONGEST_STATEMENT:,} '
                            'tokens, which Python before 3.11 could nest deeper than its stack allows')
    except (tokenize.TokenError, SyntaxError):
        pass  # ast.parse says what is wrong
    return None


def text_problems(text: str) -> list:
    problems = []
    if SNIPPET_MARKER in text:
        problems.append(f'line {_line_of(text, text.index(SNIPPET_MARKER))} holds snippet syntax '
                        f'({SNIPPET_MARKER}): only the harness includes files in the site')
    control = CONTROL_CHARACTER.search(text)
    if control:  # e.g. an escape sequence in a title would reach the terminal of whoever lists cases
        problems.append(f'line {_line_of(text, control.start())} holds the control character '
                        f'U+{ord(control.group()):04X}: a case is plain text')
    carriage_return = LONE_CARRIAGE_RETURN.search(text)
    if carriage_return:
        problems.append(f'line {_line_of(text, carriage_return.start())} holds a carriage return '
                        'that ends no line (\\r without \\n): Python takes it for a line break, '
                        'where other readers may not')
    form_feed = FORM_FEED_IN_A_LINE.search(text)
    if form_feed:
        problems.append(f'line {_line_of(text, form_feed.start() + 1)} holds a form feed beside '
                        'other text: Python counts the indentation from it, so the line runs at '
                        'another depth than it shows (a page break stands alone on its line)')
    return problems


# f-strings on 3.12+ (PEP 701), t-strings on 3.14+ (PEP 750); no token has these numbers before.
STRING_STARTS = {getattr(tokenize, name, -1) for name in ('FSTRING_START', 'TSTRING_START')}
STRING_ENDS = {getattr(tokenize, name, -1) for name in ('FSTRING_END', 'TSTRING_END')}


def code_problems(text: str) -> list:
    """Code is ASCII: everything but comments and plain string literals. Python reads ``𝚎𝚡𝚎𝚌`` as
    ``exec``, where no search for "exec" finds it; a Cyrillic ``а`` makes ``mаin`` another
    function than ``main``; a variation selector makes ``verdict︀`` another name than ``verdict``,
    though both look the same. An f-string counts as code: its fields are (and before 3.12
    tokenize cannot tell them from its text)."""
    if text.isascii():
        return []
    inside_fstring = 0  # 3.12+ tokenizes an f-string into parts: all of them count as it
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            inside_fstring += (token.type in STRING_STARTS) - (token.type in STRING_ENDS)
            if token.string.isascii() or (not inside_fstring and (token.type == tokenize.COMMENT or (
                    token.type == tokenize.STRING and 'f' not in _string_prefix(token.string)))):
                continue
            char = next(char for char in token.string if not char.isascii())
            read = unicodedata.normalize('NFKC', token.string)
            return [f'line {token.start[0]}: {ascii(token.string[:40])} holds U+{ord(char):04X} '
                    f'({unicodedata.name(char, "unnamed")}): but in comments and plain strings '
                    '(f-strings are code) a case is ASCII, so that it runs as it reads'
                    + (f'; Python reads {show(read)}' if read.isascii() and read != token.string else '')]
    except (tokenize.TokenError, SyntaxError) as error:  # Python parsed it: refuse, never pass it unread
        return [f'cannot be read token by token ({show(str(error))}) to check that its code is ASCII']
    return []


def _string_prefix(literal: str) -> str:
    return literal[:len(literal) - len(literal.lstrip('bBfFrRuU'))].lower()


def escaped_text_problems(docstring: str, literals: dict) -> list:
    """What the docstring and the declarations evaluate to must be plain text too: ``\\x1b``
    in the source is harmless characters, but the title it evaluates to would carry an escape
    sequence to a terminal; ``\\udcff`` evaluates to a lone surrogate, which no UTF-8 writer
    takes (the site's build would stop on it)."""
    problems = []
    for name, value in [('the docstring', docstring), *sorted(literals.items())]:
        for text in _strings(value):
            found = CONTROL_CHARACTER.search(text) or untrusted.LONE_SURROGATE.search(text)
            if found:
                kind = ('a lone surrogate' if untrusted.LONE_SURROGATE.match(found.group())
                        else 'the control character')
                problems.append(f'{name} holds {kind} U+{ord(found.group()):04X}, written as an '
                                'escape: a case is plain text')
                break
    return problems


def _strings(value):
    """Every string in a literal, keys included, at any depth."""
    pending = [value]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            pending.extend(value)


def docstring_problems(docstring: str, placeholders: tuple) -> list:
    """The docstring: a title line, a blank line, the case's own explanation."""
    lines = docstring.splitlines()
    if not lines or not lines[0].strip():
        return [f'no module docstring: {TITLE_RULE}']
    if len(docstring) > MAX_DOCSTRING:
        return [f'the docstring is {len(docstring):,} characters, more than {MAX_DOCSTRING:,}: '
                'a case explains one pattern']
    if len(lines) > 1 and lines[1].strip():
        return [f'{TITLE_RULE}; line 2 continues the title: {show(lines[1].strip())}']
    if not '\n'.join(lines[1:]).strip():
        return ['the docstring has a title but no explanation after it']
    flat = ' '.join(docstring.split())
    left = [sentence for sentence in placeholders if sentence in flat]
    if left:
        return [f"the docstring still has the template's placeholder prose ({left[0]!r}): "
                'explain the case in your own words']
    return []


def placeholder_sentences(template: str) -> tuple:
    """The sentences of a template's docstring, after its title, whitespace-normalised."""
    docstring = template.split('"""')[1]
    body = ' '.join(docstring.split('\n', 1)[1].split())
    return tuple(sentence for sentence in re.split(r'(?<=[.:])\s+', body) if len(sentence.split()) >= 4)


# Run code given as a string: what they run escapes the import check and whoever reads the case.
CODE_RUNNERS = ('exec', 'eval', 'compile', 'breakpoint')
# Import modules by name: the check reads the names only in a call written out with them.
IMPORTERS = ('__import__', 'import_module', 'set_forkserver_preload')
# Modules whose purpose is to run code or modules given by name, string or path.
RUNNING_MODULES = ('bdb', 'code', 'codeop', 'cProfile', 'imp', 'pdb', 'profile', 'pydoc', 'runpy', 'site',
                   'timeit', 'trace', 'zipimport')
# Load or run a module found by a name or a path as the case runs, whatever they are called on.
RESOLVERS = ('resolve_name', 'spec_from_file_location', 'module_from_spec', 'exec_module',
             'load_module', 'load_source', 'import_main_path', '_preload_modules')
WATCHED = frozenset((*CODE_RUNNERS, *IMPORTERS, *RESOLVERS))
# Python 3.8 wraps a subscript's key in an Index node (gone from newer Pythons' trees).
INDEX = getattr(ast, 'Index', ())


def import_problems(tree: ast.Module) -> list:
    """Every import, at any depth, must name a standard-library module; no relative imports; no
    code run from a string, nor a module imported in a way that hides its name from this check.

    A reproducibility rule, not a sandbox: a name built at run time (``getattr(m, 'imp' + 'ort')``)
    is beyond any static check, and left to review.
    """
    nodes = list(ast.walk(tree))
    callees = {id(node.func) for node in nodes if isinstance(node, ast.Call)}
    builtins_names = {'builtins', '__builtins__'} | {
        alias.asname for node in nodes if isinstance(node, ast.Import)
        for alias in node.names if alias.name == 'builtins' and alias.asname}
    # `from re import compile`: that compile is re's
    other_compile = any(isinstance(node, ast.ImportFrom) and node.module != 'builtins'
                        and any(alias.name == 'compile' and not alias.asname for alias in node.names)
                        for node in nodes)
    problems = []
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.level:
            problems.append(f'line {node.lineno}: a relative import: a case is a standalone script')
            continue
        for name in _imported_names(node):
            if name is None:
                problems.append(f'line {node.lineno}: imports a module whose name is computed as the '
                                'case runs: the catalogue could not check that it is in the standard '
                                'library; write the name as a string')
            elif name.split('.')[0] in RUNNING_MODULES:
                problems.append(f'line {node.lineno}: imports {name}, which runs code or modules '
                                'given by name, out of the import check\'s sight')
            elif not is_stdlib_module(name.split('.')[0]):
                problems.append(f'line {node.lineno}: imports {untrusted.printable(name[:100])}, which '
                                f'is not in the standard library of this Python '
                                f'({sys.version.split()[0]}): a case uses the standard library only')
        # Looked at closely only where an import or a watched name is: a tree has thousands of nodes.
        if isinstance(node, (ast.ImportFrom, ast.Subscript, ast.Call)) \
                or getattr(node, 'id', None) in WATCHED or getattr(node, 'attr', None) in WATCHED:
            problems += [f'line {node.lineno}: {problem}'
                         for problem in _hidden_code(node, callees, builtins_names, other_compile)]
    return problems


def _hidden_code(node, callees: set, builtins_names: set, other_compile: bool) -> list:
    """What in ``node`` runs code, or imports a module, out of the import check's sight."""
    if isinstance(node, ast.ImportFrom):
        return [_hidden_code_problem(alias.name, renamed=alias.asname not in (None, alias.name))
                for alias in node.names
                if (alias.name in CODE_RUNNERS and (alias.name != 'compile' or node.module == 'builtins'))
                or alias.name in RESOLVERS
                or (alias.name in IMPORTERS and alias.asname not in (None, alias.name))]
    if isinstance(node, ast.Subscript):  # vars(builtins)['exec'], __builtins__.__dict__['__import__']
        return _named_in_a_string(node.slice.value if isinstance(node.slice, INDEX) else node.slice)
    if isinstance(node, ast.Call):  # getattr(builtins, '__import__')
        is_getattr = isinstance(node.func, ast.Name) and node.func.id == 'getattr' and len(node.args) > 1
        return _named_in_a_string(node.args[1]) if is_getattr else []
    if isinstance(node, ast.Name):
        name = node.id
        if name == 'compile' and other_compile:
            return []
    else:
        name = node.attr
        if name == 'compile' and (isinstance(node.value, ast.Attribute) or (
                isinstance(node.value, ast.Name) and node.value.id not in builtins_names)):
            return []  # re.compile, a.b.compile: no builtin (unless b is builtins, left to review)
    if name in CODE_RUNNERS or name in RESOLVERS or (name in IMPORTERS and id(node) not in callees):
        return [_hidden_code_problem(name)]
    return []


def _named_in_a_string(node) -> list:
    if isinstance(node, ast.Starred) and isinstance(node.value, (ast.List, ast.Tuple)) and node.value.elts:
        node = node.value.elts[0]  # getattr(builtins, *['exec'])
    named = _literal_text(node)
    if named in WATCHED:
        return [f'names {named} in a string: the import check cannot follow it']
    return []


def _hidden_code_problem(name: str, renamed: bool = False) -> str:
    if name in CODE_RUNNERS:
        return (f'uses {name}: code run from a string escapes the import check and the reader; '
                'a case writes its code out')
    if name in IMPORTERS:
        how = 'imports {} under another name' if renamed else 'uses {} without calling it'
        written = f"{name}(['module'])" if name == 'set_forkserver_preload' else f"{name}('module')"
        return (f'{how.format(name)}: the import check reads a module\'s name only in a call '
                f'written {written}')
    return f'uses {name}, which loads or runs a module out of the import check\'s sight'


@functools.lru_cache(maxsize=None)
def is_stdlib_module(name: str) -> bool:
    """Is ``name`` a top-level standard-library module of this Python? Never imports it."""
    if hasattr(sys, 'stdlib_module_names'):  # 3.10+
        return name in sys.stdlib_module_names
    if name in sys.builtin_module_names:
        return True
    try:  # in the standard library's directories only: a file of that name in the current one is none
        spec = importlib.machinery.PathFinder.find_spec(name, _stdlib_search_path())
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False
    if spec.origin in ('built-in', 'frozen'):
        return True
    locations = list(spec.submodule_search_locations or ()) or [spec.origin]
    return all(location and _in_stdlib(Path(location)) for location in locations)


def module_literals(tree: ast.Module, declared: tuple, problems: list) -> dict:
    """The module-level declarations, ``NAME = literal``, read without running anything."""
    literals = {}
    for node in tree.body:
        if isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Assign):
            targets = node.targets
        else:
            continue
        simple = isinstance(node, ast.Assign) and len(targets) == 1 and isinstance(targets[0], ast.Name)
        for name in [leaf.id for target in targets for leaf in ast.walk(target)
                     if isinstance(leaf, ast.Name) and isinstance(leaf.ctx, ast.Store)]:
            if name in declared and not simple:
                problems.append(f'{name} must be assigned alone, as `{name} = literal` '
                                f'(line {node.lineno})')
            elif name not in declared and near_miss(name, declared):
                problems.append(f'{name} looks like a misspelling of {near_miss(name, declared)}')
        if not simple or targets[0].id not in declared:
            continue
        name = targets[0].id
        if name in literals:
            problems.append(f'{name} is assigned twice')
        try:
            literals[name] = ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as error:
            problems.append(f'{name} must be a plain literal (strings, numbers, booleans, lists, '
                            f'dicts) at line {node.lineno}: {show(str(error))}')
    return literals


def near_miss(name: str, declared: tuple) -> str:
    """The declaration an UPPERCASE ``name`` is one slip away from, else None.

    A slip is one letter wrong, missing or doubled, or two neighbours swapped: ``OVERIDES``,
    ``EXPECTD``, ``FAMILLY``. A contributor's own constant that merely starts or ends like a
    declaration (``TIMEOUT_S``, ``EXPECTED_LINES``) is not one.
    """
    if name != name.upper():
        return None
    return next((candidate for candidate in declared if _one_slip(name, candidate)), None)


def start_method_problems(tree: ast.Module, start_method_at: str, main_guard: bool) -> list:
    """The file reads ``--start-method`` where START_METHOD_AT says, with the documented idiom."""
    guards = [node for node in tree.body if _is_main_guard(node)]
    if main_guard and not guards:
        return ["no `if __name__ == '__main__':` guard "
                '(set MAIN_GUARD = False if its absence is the pattern)']
    if not main_guard and guards:
        return ["MAIN_GUARD = False, but the file has an `if __name__ == '__main__':` guard"]
    if start_method_at == 'main':
        if not main_guard:
            return ["MAIN_GUARD = False needs START_METHOD_AT = 'import': without the guard, "
                    'the start method is read at import time']
        last = guards[-1].body
        if not (_calls(last, 'add_argument', '--start-method') and _calls(last, 'set_start_method')):
            return ["the last `if __name__ == '__main__':` block must read --start-method and pass it "
                    'to multiprocessing.set_start_method (the four lines in docs/contributing.md); '
                    "a case whose pattern happens at import time declares START_METHOD_AT = 'import'"]
        return []
    top = [node for node in tree.body if node not in guards
           and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    assigned = [node for node in top if isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == 'START_METHOD']
    read = any(isinstance(node, ast.Name) and node.id == 'START_METHOD'
               and isinstance(node.ctx, ast.Load) for node in ast.walk(tree))
    if not (_calls(top, 'add_argument', '--start-method') and len(assigned) == 1
            and _calls(assigned, 'parse_known_args') and read):
        return ["START_METHOD_AT = 'import' needs the import-time idiom at module level: "
                "parser.add_argument('--start-method', ...), then "
                'START_METHOD = parser.parse_known_args()[0].start_method, used by the case '
                '(docs/contributing.md)']
    return []


def _imported_names(node) -> list:
    """The modules a node imports: ``import x``, ``from x import y``, ``__import__`` or
    ``importlib.import_module`` called with a name, and the names given to
    ``set_forkserver_preload``; ``None`` for a name computed at run time."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module]
    if isinstance(node, ast.Call) and _call_name(node) == 'set_forkserver_preload':
        given = node.args[0] if node.args else next(
            (keyword.value for keyword in node.keywords if keyword.arg == 'module_names'), None)
        if isinstance(given, (ast.List, ast.Tuple)):  # '__main__': the fork server's own default
            return [name for name in map(_literal_text, given.elts) if name != '__main__']
        return [None]
    if not (isinstance(node, ast.Call) and _call_name(node) in ('__import__', 'import_module')):
        return []
    named = [keyword.value for keyword in node.keywords if keyword.arg == 'name']
    given = node.args[0] if node.args else (named[0] if named else None)
    if isinstance(given, ast.Starred) and isinstance(given.value, (ast.List, ast.Tuple)) \
            and given.value.elts:  # __import__(*['x'])
        given = given.value.elts[0]
    return [_literal_text(given)]


def _literal_text(node):
    """The text of a string literal or of an f-string without fields; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and all(isinstance(part, ast.Constant) for part in node.values):
        return ''.join(part.value for part in node.values)
    return None


@functools.lru_cache(maxsize=None)
def _stdlib_search_path() -> list:
    """The entries of sys.path under the standard library's directories (lib-dynload included)."""
    return [entry for entry in sys.path if entry and _in_stdlib(Path(entry))]


@functools.lru_cache(maxsize=None)
def _library_directories() -> tuple:
    paths = sysconfig.get_paths()
    return ({Path(paths[key]).resolve() for key in ('stdlib', 'platstdlib')},
            {Path(paths[key]).resolve() for key in ('purelib', 'platlib')})


def _in_stdlib(location: Path) -> bool:
    """Under the standard library's directories, and not in a site-packages inside them."""
    location = location.resolve()
    stdlib, site = _library_directories()
    return (any(_under(location, directory) for directory in stdlib)
            and not any(_under(location, directory) for directory in site)
            and not {'site-packages', 'dist-packages'} & set(location.parts))


def _under(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def _one_slip(typed: str, meant: str) -> bool:
    if typed == meant:
        return False
    if len(typed) == len(meant):
        wrong = [i for i, (a, b) in enumerate(zip(typed, meant)) if a != b]
        return len(wrong) == 1 or (len(wrong) == 2 and wrong[1] == wrong[0] + 1
                                   and typed[wrong[0]] == meant[wrong[1]]
                                   and typed[wrong[1]] == meant[wrong[0]])
    if len(typed) == len(meant) - 1:  # a letter missing
        return any(meant[:i] + meant[i + 1:] == typed for i in range(len(meant)))
    if len(typed) == len(meant) + 1:  # a letter doubled
        return any(typed[:i] + typed[i + 1:] == meant and typed[i] == typed[i - 1]
                   for i in range(1, len(typed)))
    return False


def _is_main_guard(node) -> bool:
    if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
            and len(node.test.ops) == 1 and isinstance(node.test.ops[0], ast.Eq)):
        return False
    sides = [node.test.left, *node.test.comparators]
    names = {side.id for side in sides if isinstance(side, ast.Name)}
    strings = {side.value for side in sides if isinstance(side, ast.Constant)}
    return names == {'__name__'} and strings == {'__main__'}


def _calls(nodes, function: str, first_argument: str = None) -> bool:
    """Does any of ``nodes`` call ``function`` (a name or attribute), with that first argument?"""
    for node in (inner for outer in nodes for inner in ast.walk(outer)):
        if isinstance(node, ast.Call) and _call_name(node) == function and (
                first_argument is None or (node.args and isinstance(node.args[0], ast.Constant)
                                           and node.args[0].value == first_argument)):
            return True
    return False


def _call_name(node: ast.Call) -> str:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _line_of(text: str, index: int) -> int:
    return text.count('\n', 0, index) + 1
