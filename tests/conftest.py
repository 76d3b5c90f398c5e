"""Suite-wide settings.

Under CI (CI=true), hypothesis draws the same examples on every run, so a red build
is always reproducible from the commit alone; a developer's run keeps exploring new
examples (and saves what it finds in .hypothesis/).
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
