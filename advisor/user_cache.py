"""Where the advisor keeps files it derives from installed packages, per user."""

import os
from pathlib import Path


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME (or ~/.cache) / pm-career-advisor."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pm-career-advisor"
