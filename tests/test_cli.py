"""cli: run prints a table, list validates, new writes a case that passes validation."""
from __future__ import annotations

import os

from mpmatrix import cli
from mpmatrix.catalog import load_case

from .conftest import ROOT


def test_run_prints_a_table(capsys):
    assert cli.main(['run', str(ROOT / 'cases' / 'instance_attribute_plain.py'),
                     '--start-method', 'spawn']) == 0
    out = capsys.readouterr().out
    assert 'A plain instance attribute changed in the child' in out
    assert 'method  verdict   expected  time' in out
    assert 'spawn   isolated  isolated' in out


def test_list_shows_every_case(capsys):
    status = cli.main(['list', '--cases', str(ROOT / 'cases')])
    out = capsys.readouterr().out
    assert 'instance_attribute_plain' in out
    assert status == 0


def test_new_writes_a_valid_case_that_runs(tmp_path, capsys):
    assert cli.main(['new', 'pipe_duplex', '--family', 'message-passing',
                     '--direction', 'child-to-parent', '--cases', str(tmp_path)]) == 0
    case = load_case(tmp_path / 'pipe_duplex.py')
    assert (case.family, case.direction, case.title) == (
        'message-passing', 'child-to-parent', 'Pipe duplex')
    assert cli.main(['run', str(case.path), '--start-method', 'spawn']) == 0
    assert cli.main(['new', 'pipe_duplex', '--family', 'managers', '--direction',
                     'child-to-parent', '--cases', str(tmp_path)]) == 2
    assert 'already exists' in capsys.readouterr().err


def test_bad_input_is_one_clear_line(tmp_path, capsys):
    broken = tmp_path / 'broken.py'
    broken.write_text('def (:\n')
    assert cli.main(['run', str(broken)]) == 2
    assert capsys.readouterr().err.startswith(f'error: {broken}: syntax error at line 1')
    assert cli.main(['merge', str(tmp_path), '-o', os.devnull]) == 2
