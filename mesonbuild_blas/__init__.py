"""mesonbuild-blas: first-class BLAS/LAPACK dependencies for stock Meson."""

__version__ = "0.1.0"

#: Meson versions the integration layer is written and tested against.
MESON_MIN = "1.3.0"
MESON_MAX_EXCLUSIVE = "1.13"
