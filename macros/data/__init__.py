"""The data layer: read, check and query the records in data/. Knows nothing of MkDocs or HTML.

* ``kinds``: the one registry of record kinds (folder, schema, page, index columns, JSON-LD type).
* ``limits``, ``yamlerrors``, ``yamlload``: safe YAML reading with line numbers and plain-words errors.
* ``schemas``: shape checks against the data folder's JSON Schemas; ``vocab``: the word lists
  (care tiers, evidence grades...) defined once in ``schemas/vocabularies.schema.json``.
* ``model``: the records in memory and the links derived between them.
* ``problems``, ``rules``, ``triage`` (the flowchart's walker and proofs), ``validate``: the validator.
* ``review`` (review dates, ``python -m macros.data.review``), ``diff`` (what a change means for
  readers, ``python -m macros.data.diff``).
"""
