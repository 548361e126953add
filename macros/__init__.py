"""Back Spasm Guide's data layer and page rendering (mkdocs-macros module).

Entry points: ``python -m macros.validate`` (check data/), ``macros.main``
(mkdocs-macros ``define_env``) and ``macros/hooks.py`` (mkdocs hooks that
generate one page per record).
"""
