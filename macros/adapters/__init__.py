"""The MkDocs adapters, kept thin: ``hooks`` (load and check the data once per build, add the
generated pages, publish the open data) and ``main`` (``define_env``: the macros hand-written
pages call), with ``site`` (the build's dataset) and ``mdext`` (a Markdown extension that labels
table cells for phones). Everything they show comes from ``macros.pages``.
"""
