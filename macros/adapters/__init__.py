"""The MkDocs adapters, kept thin: ``hooks`` (load and check the data once per build, register the macros
hand-written pages call with mkdocs-macros, add the generated pages, publish the open data), with ``site``
(the build's dataset). Everything they show comes from ``macros.pages``.
"""
