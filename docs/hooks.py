"""mkdocs hooks: stop the build, before mkdocs empties site_dir, where a symbolic link would make
it delete or publish what is not the site's.

mkdocs empties site_dir by following it, and copies every file of docs_dir, links too: a ``site``
link committed to the repository (``.gitignore``'s ``/site/`` matches directories only) would have
the build empty the directory it points to, ``docs/x -> /proc/self/environ`` would be published.
"""
from mkdocs.exceptions import PluginError

from mpmatrix import untrusted

WHY = {'site_dir': 'mkdocs would empty what it points to and write the site there',
       'docs_dir': 'mkdocs would publish what it points to'}


def on_pre_build(config):
    problems = [f'{untrusted.printable_line(link)} is a symbolic link in {setting}: {why}'
                for setting, why in WHY.items() for link in untrusted.links_under(config[setting])]
    if problems:
        raise PluginError('mpmatrix site: ' + '; '.join(problems) + '. Remove the link(s).')
