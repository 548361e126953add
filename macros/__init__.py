"""Back Spasm Guide: from the YAML in data/ to the site's pages.

Three layers, each importing only the ones before it:

* ``macros.data``: read, check and query the records (no MkDocs, no HTML).
  ``python -m macros.validate`` runs the validator; ``macros.data.kinds`` is
  the one registry of record kinds.
* ``macros.pages``: a validated dataset -> generated pages as Markdown, tables,
  pictures, the flowchart, JSON-LD, the open-data JSON (no MkDocs).
  ``python -m macros.pages OUT`` writes the pages to disk.
* ``macros.adapters``: the thin MkDocs side: ``hooks.py`` (listed under
  ``hooks:`` in mkdocs.yml), which also gives mkdocs-macros the macros.
"""
