"""Back Spasm Guide's data layer and page rendering (mkdocs-macros module).

Entry points: ``python -m macros.validate`` (check data/), ``macros.main``
(mkdocs-macros ``define_env``) and ``macros/hooks.py`` (mkdocs hooks that
generate one page per record).
"""


def define_env(env):
    """mkdocs-macros entry point (module_name: macros); see macros/main.py."""
    from .main import define_env as _define_env

    _define_env(env)
