"""Demo extension calling ILP64 BLAS (scipy-openblas64) through mangled Fortran symbols.

The extension links against ``libscipy_openblas64_.so`` from the build environment (with an
rpath into it that is gone at run time).  Importing ``scipy_openblas64`` first loads that
library with ``RTLD_GLOBAL``; the dynamic loader then satisfies the extension's ``DT_NEEDED``
entry by SONAME from the already-loaded copy.
"""

import scipy_openblas64  # noqa: F401  (must come first: loads the BLAS library)

from ._blasdemo import ddot, idamax_hi, int_size

__all__ = ["ddot", "idamax_hi", "int_size"]
