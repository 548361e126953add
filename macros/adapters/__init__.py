"""The MkDocs adapters, kept thin: ``hooks`` (load and check the data once per build, add the
generated pages, publish the open data) and ``main`` (``define_env``: the macros hand-written
pages call, from macros/pages/page_macros.py), with ``site`` (the build's dataset). Everything they
show comes from ``macros.pages``.
"""
