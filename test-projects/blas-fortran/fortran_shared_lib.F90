! A shared library calling BLAS from Fortran: linked with the dependency (and so
! with its adapter), used by a program that does not link BLAS itself.
subroutine shared_check()
  implicit none
  complex(kind(0d0)), external :: zdotc
  complex(kind(0d0)) :: r
  double precision :: c(1, 1)
  r = zdotc(2, [(1d0, 2d0), (3d0, 4d0)], 1, [(5d0, 6d0), (7d0, 8d0)], 1)
  call dgemm('N', 'N', 1, 1, 2, 1d0, [1d0, 2d0], 1, [3d0, 4d0], 2, 0d0, c, 1)
  if (r == (70d0, -8d0) .and. c(1, 1) == 11d0) then
    print '(a)', 'shared library zdotc+dgemm ok'
  else
    print '(a, 3(1x, g0))', 'shared library zdotc+dgemm WRONG:', r, c(1, 1)
    error stop 1
  end if
end subroutine shared_check
