"""Test-only switches.  Not for users: they replace real system parts with test fixtures.

``MESONBUILD_BLAS_TEST_FRAMEWORK_DIR``
    A directory of generated fixture libraries standing in for macOS frameworks
    (``tests/fixtures``: ``<dir>/<interface>/lib<Framework>.so`` exporting the
    framework's exact symbol names, e.g. ``dgemm$NEWLAPACK$ILP64``).  When set, the
    ``framework`` lookup links those instead of ``-framework <Framework>`` and
    framework vendors are tried on any system, so their detection, probes and
    ``blas_mangling.h`` run on Linux.  The candidate's label says "test fixture".
"""

from __future__ import annotations

import os

FRAMEWORK_DIR_ENV = "MESONBUILD_BLAS_TEST_FRAMEWORK_DIR"


def framework_fixture_dir() -> str:
    """The framework fixture directory of the test-only switch ('' when unset)."""
    return os.environ.get(FRAMEWORK_DIR_ENV, "")
