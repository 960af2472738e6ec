"""``meson-blas``: a drop-in ``meson`` with the plugin active."""

from __future__ import annotations

import os
import sys

from ..errors import BlasError


def main() -> int:
    from . import install

    try:
        install()
    except BlasError as e:
        print(f"meson-blas: error: {e}", file=sys.stderr)
        return 2
    from mesonbuild import coredata, mesonmain

    args = sys.argv[1:]
    if args in (["--version"], ["-v"]):
        # stdout: Meson's bare version, as `meson --version` prints it (meson-python parses it);
        # stderr: which plugin is active
        from .. import __version__

        print(coredata.version)
        print(f"mesonbuild-blas {__version__} (Meson {coredata.version})", file=sys.stderr)
        return 0
    # Meson records this absolute path as its own command: ninja's automatic
    # regeneration, `meson test`, `install` and `dist` run through the launcher.
    return int(mesonmain.run(args, os.path.abspath(sys.argv[0])))

if __name__ == "__main__":
    sys.exit(main())
