"""mkdocs-macros entry point: registers the macros hand-written pages may call (macros/pages/page_macros.py),
each rendering from the dataset loaded once per build (macros/adapters/site.py)."""

from __future__ import annotations

from collections.abc import Callable

from ..pages.page_macros import MACRO_NAMES, macros
from . import site

__all__ = ["MACRO_NAMES", "define_env", "macros"]


def define_env(env):
    def bound(name: str) -> Callable[..., object]:
        def call(*args, **kwargs):
            page_macros = macros(site.current(), env.page.file.src_uri, bool(env.conf["use_directory_urls"]),
                                 env.conf.get("site_url") or "", env.conf["extra"].get("repository", ""))
            return page_macros[name](*args, **kwargs)
        return call

    for name in sorted(MACRO_NAMES):
        env.macro(bound(name), name)
