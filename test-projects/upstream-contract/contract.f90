! Plain BLAS/LAPACK calls with default INTEGERs, as Fortran projects write them.
program contract
  implicit none
  double precision :: a(2, 2), b(2, 2), c(2, 2), m(2, 2), rhs(2)
  real :: x(3)
  integer :: ipiv(2), info, failures
  double precision, external :: ddot
  failures = 0
  a = reshape([1d0, 3d0, 2d0, 4d0], [2, 2])
  b = reshape([1d0, 0d0, 0d0, 1d0], [2, 2])
  c = 0
  call dgemm('N', 'N', 2, 2, 2, 1d0, a, 2, b, 2, 0d0, c, 2)
  call report('dgemm', all(c == a))
  x = [1.0, 2.0, 3.0]
  call sscal(3, 2.0, x, 1)
  call report('sscal', all(x == [2.0, 4.0, 6.0]))
  call report('ddot', ddot(3, [1d0, 2d0, 3d0], 1, [4d0, 5d0, 6d0], 1) == 32d0)
  m = reshape([2d0, 1d0, 1d0, 3d0], [2, 2])
  rhs = [3d0, 5d0]
  call dgesv(2, 1, m, 2, ipiv, rhs, 2, info)
  call report('dgesv', info == 0 .and. all(abs(rhs - [0.8d0, 1.4d0]) < 1d-6))
  if (failures /= 0) then
    print '(a)', 'FAILED'
    stop 1
  end if
  print '(a)', 'all ok'
contains
  subroutine report(what, ok)
    character(*), intent(in) :: what
    logical, intent(in) :: ok
    if (ok) then
      print '(a, a)', what, ' ok'
    else
      print '(a, a)', what, ' WRONG'
      failures = failures + 1
    end if
  end subroutine
end program
