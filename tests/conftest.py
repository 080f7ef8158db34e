from pathlib import Path

pytest_plugins = ['mpmatrix.pytest_plugin', 'pytester']

ROOT = Path(__file__).resolve().parent.parent
