"""Folders for the files the page offers for download (plans, check-in exports)."""

import shutil
import tempfile
import weakref
from pathlib import Path


def download_folder(owner: object, prefix: str) -> Path:
    """A new temporary folder, removed with `owner` or when the process exits: a user's plans
    and check-ins are not left behind in the system's temp folder after the server stops."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    weakref.finalize(owner, shutil.rmtree, folder, ignore_errors=True)
    return folder
