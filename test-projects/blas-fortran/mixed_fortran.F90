! The Fortran half of a C + Fortran program: BLAS integers of explicit kind
! (no 8-byte default-integer flag: the dependency has no language: 'fortran'),
! symbols and result conventions from the dependency's fortran-adapter module.
integer(c_int) function mixed_fortran() bind(c, name='mixed_fortran')
  use, intrinsic :: iso_c_binding, only: c_int
  implicit none
  integer, parameter :: ik = INT_SIZE
  complex(kind(0d0)), external :: zdotu
  complex(kind(0d0)) :: r
  double precision :: c(1, 1)
  r = zdotu(2_ik, [(1d0, 2d0), (3d0, 4d0)], 1_ik, [(5d0, 6d0), (7d0, 8d0)], 1_ik)
  call dgemm('N', 'N', 1_ik, 1_ik, 2_ik, 1d0, [1d0, 2d0], 1_ik, [3d0, 4d0], 2_ik, 0d0, c, 1_ik)
  mixed_fortran = 0
  if (r == (-18d0, 68d0) .and. c(1, 1) == 11d0) then
    print '(a)', 'fortran zdotu+dgemm ok'
  else
    print '(a, 3(1x, g0))', 'fortran zdotu+dgemm WRONG:', r, c(1, 1)
    mixed_fortran = 1
  end if
end function mixed_fortran
