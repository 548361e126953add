"""The offline page's download link (docs/offline.md), built from mkdocs.yml's ``extra.repository``.

GitHub serves the newest release's file of a given name at ``<repository>/releases/latest/download/<name>``;
.github/workflows/release.yml attaches the bundle under ``OFFLINE_ZIP`` to every published release.
"""

from __future__ import annotations

from .text import Html, external_url

OFFLINE_ZIP = "back-spasm-guide-offline.zip"


def download_url(repository: str) -> str:
    return repository.rstrip("/") + "/releases/latest/download/" + OFFLINE_ZIP


def offline_download(repository: str) -> Html:
    """A Markdown link to the latest release's zip; without a repository, says where the zip comes from instead."""
    url = external_url(download_url(repository)) if repository else None
    if url is None:
        return Html("the `{}` file of the project's latest release").format(OFFLINE_ZIP)
    return Html("[Download the offline copy ({})]({})").format(OFFLINE_ZIP, url)
