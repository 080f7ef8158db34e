import sys
from pathlib import Path

from mpmatrix import START_METHODS
from mpmatrix.catalog import FAMILIES

pytest_plugins = ['mpmatrix.pytest_plugin', 'pytester']

ROOT = Path(__file__).resolve().parent.parent


def python_after(statement: str) -> list:
    """A command that runs ``statement`` (``os`` and ``signal`` imported), then becomes
    ``python ARGS...`` appended to it: a process started with the signal state a launcher left."""
    return [sys.executable, '-c', f'import os, signal, sys; {statement}; '
                                  'os.execv(sys.executable, [sys.executable, *sys.argv[1:]])']


def pytest_configure(config):
    """The matrix marks each cell with its start method and family: ``pytest -m spawn``, ``-m managers``."""
    for method in START_METHODS:
        config.addinivalue_line('markers', f'{method}: the matrix cells run under the {method} start method')
    for family in FAMILIES:
        config.addinivalue_line('markers', f'{family}: the matrix cells of the cases in the {family} family')
