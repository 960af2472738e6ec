! BLAS/LAPACK *subroutines* from Fortran with default INTEGERs (names only:
! no function result), in real and complex arithmetic, with CHARACTER arguments.
! Prints "<routine> ok" per call (or "<routine> WRONG ..."), then "all checks ok".
program fortran_routines
  implicit none
  integer :: failures
  double precision :: x(3), y(3), a(2, 2), b(2)
  complex(kind(0d0)) :: za(2, 2), zb(2, 2), zc(2, 2)
#ifdef HAVE_LAPACK
  integer :: info, ipiv(2)
  double precision :: w(2), work(10)
  complex(kind(0d0)) :: zm(2, 2), zr(2)
#endif

  failures = 0
  x = [1d0, 2d0, 3d0]
  y = [10d0, 20d0, 30d0]
  call daxpy(3, 2d0, x, 1, y, 1)
  call check('daxpy', all(y == [12d0, 24d0, 36d0]))
  call dscal(3, -1d0, y, 1)
  call dswap(3, x, 1, y, 1)
  call check('dscal+dswap', all(x == [-12d0, -24d0, -36d0]) .and. all(y == [1d0, 2d0, 3d0]))
  ! y = A^T b with A = [1 3; 2 4] (column-major), b = [1 1]: [3 7]
  a = reshape([1d0, 2d0, 3d0, 4d0], [2, 2])
  b = [1d0, 1d0]
  call dgemv('T', 2, 2, 1d0, a, 2, b, 1, 0d0, x, 1)
  call check('dgemv', all(x(1:2) == [3d0, 7d0]))
  ! C = A^H B, A = [i 0; 0 2], B = [1 2; 3 4]: [-i -2i; 6 8]
  za = reshape([(0d0, 1d0), (0d0, 0d0), (0d0, 0d0), (2d0, 0d0)], [2, 2])
  zb = reshape([(1d0, 0d0), (3d0, 0d0), (2d0, 0d0), (4d0, 0d0)], [2, 2])
  zc = (99d0, 99d0)
  call zgemm('C', 'N', 2, 2, 2, (1d0, 0d0), za, 2, zb, 2, (0d0, 0d0), zc, 2)
  call check('zgemm', all(zc == reshape([(0d0, -1d0), (6d0, 0d0), (0d0, -2d0), (8d0, 0d0)], [2, 2])))

#ifdef HAVE_LAPACK
  ! Cholesky of [4 2; 2 3] = L L^T, L = [2 0; 1 sqrt(2)]; solve [4 2; 2 3] x = [8 7]: x = [1.25 1.5]
  a = reshape([4d0, 2d0, 2d0, 3d0], [2, 2])
  call dpotrf('L', 2, a, 2, info)
  b = [8d0, 7d0]
  call dpotrs('L', 2, 1, a, 2, b, 2, info)
  call check('dpotrf+dpotrs', info == 0 .and. all(abs(b - [1.25d0, 1.5d0]) < 1d-14))
  ! eigenvalues of [2 1; 1 2]: 1 and 3
  a = reshape([2d0, 1d0, 1d0, 2d0], [2, 2])
  call dsyev('N', 'U', 2, a, 2, w, work, 10, info)
  call check('dsyev', info == 0 .and. all(abs(w - [1d0, 3d0]) < 1d-14))
  ! [i 1; 0 2] x = [1+i, 2]: x = [1, 1]
  zm = reshape([(0d0, 1d0), (0d0, 0d0), (1d0, 0d0), (2d0, 0d0)], [2, 2])
  zr = [(1d0, 1d0), (2d0, 0d0)]
  call zgesv(2, 1, zm, 2, ipiv, zr, 2, info)
  call check('zgesv', info == 0 .and. all(abs(zr - [(1d0, 0d0), (1d0, 0d0)]) < 1d-14))
#endif

  if (failures > 0) then
    print '(i0, a)', failures, ' check(s) WRONG'
    error stop 1
  end if
  print '(a)', 'all checks ok'

contains

  subroutine check(routine, ok)
    character(*), intent(in) :: routine
    logical, intent(in) :: ok
    if (ok) then
      print '(a, a)', routine, ' ok'
    else
      print '(a, a)', routine, ' WRONG'
      failures = failures + 1
    end if
  end subroutine
end program fortran_routines
