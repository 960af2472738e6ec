"""The BLAS/LAPACK functions whose *result* convention depends on the compiler.

Subroutines and INTEGER/DOUBLE PRECISION/LOGICAL functions are called the same
way by every Fortran compiler; only functions returning COMPLEX / COMPLEX*16
(g77/f2c/Intel: hidden first argument; gfortran: registers) and REAL (f2c:
returned as a C ``double``) need an adapter when the library and the project's
compiler disagree.  The table is vendor-independent: it lists the standard
interfaces (Reference BLAS and LAPACK), with their arguments so that a C
wrapper can forward them:

* ``args``: the Fortran arguments (all passed by reference);
* ``strings``: CHARACTER arguments among them, whose hidden lengths follow
  the arguments (``size_t``, in order).

Only entries the library actually exports are adapted.
"""

from __future__ import annotations

from typing import Literal

from ..records import record

#: c: COMPLEX, z: COMPLEX*16, s: REAL
ResultType = Literal["c", "z", "s"]


@record
class AbiFunction:
    name: str
    result: ResultType
    args: int
    strings: int = 0

    @property
    def result_class(self) -> str:
        """``complex`` or ``real``: the convention that decides how its result travels."""
        return "real" if self.result == "s" else "complex"

    @property
    def c_type(self) -> str:
        return {"c": "float _Complex", "z": "double _Complex", "s": "float"}[self.result]


def _table(result: ResultType, spec: str) -> tuple[AbiFunction, ...]:
    """``"name:args[:strings] ..."`` → entries."""
    out = []
    for item in spec.split():
        name, args, *strings = item.split(":")
        out.append(AbiFunction(name, result, int(args), int(strings[0]) if strings else 0))
    return tuple(out)


#: COMPLEX functions (BLAS level 1, LAPACK)
COMPLEX = _table("c", "cdotc:5 cdotu:5 cladiv:2")
#: COMPLEX*16 functions
DOUBLE_COMPLEX = _table("z", "zdotc:5 zdotu:5 zladiv:2")
#: REAL functions: BLAS level 1, then LAPACK's norms, machine constants and condition estimates
REAL = _table("s", """
    sdot:5 sdsdot:6 snrm2:3 sasum:3 scnrm2:3 scasum:3 scabs1:1
    slamch:1:1 slamc3:2 slapy2:2 slapy3:3 scsum1:3 sroundup_lwork:1 slarmm:3 second:0
    slange:6:1 slangb:7:1 slangt:5:1 slanhs:5:1 slansb:7:2 slansp:5:2 slanst:4:1 slansy:6:2
    slantb:8:3 slantp:6:3 slantr:8:3 slansf:6:3
    clange:6:1 clangb:7:1 clangt:5:1 clanhs:5:1 clanhe:6:2 clanhb:7:2 clanhp:5:2 clanht:4:1
    clansb:7:2 clansp:5:2 clansy:6:2 clantb:8:3 clantp:6:3 clantr:8:3 clanhf:6:3
    sla_gerpvgrw:6 sla_gbrpvgrw:8 sla_porpvgrw:7:1 sla_syrpvgrw:9:1
    sla_gercond:12:1 sla_gbrcond:14:1 sla_porcond:11:1 sla_syrcond:12:1
    cla_gerpvgrw:6 cla_gbrpvgrw:8 cla_porpvgrw:7:1 cla_herpvgrw:9:1 cla_syrpvgrw:9:1
    cla_gercond_c:12:1 cla_gercond_x:11:1 cla_gbrcond_c:14:1 cla_gbrcond_x:13:1
    cla_porcond_c:11:1 cla_porcond_x:10:1 cla_hercond_c:12:1 cla_hercond_x:11:1
    cla_syrcond_c:12:1 cla_syrcond_x:11:1
""")

ABI_FUNCTIONS: tuple[AbiFunction, ...] = COMPLEX + DOUBLE_COMPLEX + REAL
BY_NAME: dict[str, AbiFunction] = {f.name: f for f in ABI_FUNCTIONS}


def sensitive(classes: tuple[str, ...]) -> tuple[AbiFunction, ...]:
    """The functions whose result convention is one of ``classes`` (``complex``, ``real``)."""
    return tuple(f for f in ABI_FUNCTIONS if f.result_class in classes)
