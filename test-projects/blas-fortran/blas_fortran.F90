! BLAS (and LAPACK) from Fortran with default INTEGERs, for either interface:
! for ilp64 the dependency adds the flag that makes default INTEGERs 8 bytes.
! meson.build defines BLAS_LABEL ("vendor interface"), INT_SIZE (4 or 8, what the
! library uses) and HAVE_LAPACK.  Prints one line per check; exit status 1 if any
! check is wrong.
program blas_fortran
  implicit none
  integer :: n, failures, i
  double precision :: a(3, 3), b(3, 3), c(3, 3), expected(3, 3), x(3), y(3), d
  double precision, external :: ddot
  integer, external :: idamax
  external :: dgemm
#ifdef HAVE_LAPACK
  integer :: info, ipiv(3)
  double precision :: m(3, 3), rhs(3)
  external :: dgesv
#endif
#if INT_SIZE == 8
  integer :: big_negative
#endif

  failures = 0
  n = 3
  print '(a, ": default INTEGER ", i0, " bytes, library ", i0)', BLAS_LABEL, storage_size(n) / 8, INT_SIZE
  if (storage_size(n) / 8 /= INT_SIZE) then
    print '(a)', 'integer_size WRONG: default INTEGER does not match the library'
    failures = failures + 1
  end if

  ! dgemm: A = [1 2 3; 4 5 6; 7 8 10], B = [1 0 1; 0 1 1; 1 1 0], C = A*B
  a = reshape([1d0, 4d0, 7d0, 2d0, 5d0, 8d0, 3d0, 6d0, 10d0], [3, 3])
  b = reshape([1d0, 0d0, 1d0, 0d0, 1d0, 1d0, 1d0, 1d0, 0d0], [3, 3])
  expected = reshape([4d0, 10d0, 17d0, 5d0, 11d0, 18d0, 3d0, 9d0, 15d0], [3, 3])
  c = -1d0
  call dgemm('N', 'N', n, n, n, 1d0, a, n, b, n, 0d0, c, n)
  if (all(c == expected)) then
    print '(a, f0.1)', 'dgemm ok: trace(C) = ', c(1, 1) + c(2, 2) + c(3, 3)
  else
    print '(a, 9(1x, g0))', 'dgemm WRONG:', c
    failures = failures + 1
  end if

  ! ddot: [1 2 3] . [4 5 6] = 32
  x = [1d0, 2d0, 3d0]
  y = [4d0, 5d0, 6d0]
  d = ddot(n, x, 1, y, 1)
  if (d == 32d0) then
    print '(a, f0.1)', 'ddot ok: ', d
  else
    print '(a, g0)', 'ddot WRONG: ', d
    failures = failures + 1
  end if

#ifdef HAVE_LAPACK
  ! dgesv: [4 1 0; 1 3 1; 0 1 2] x = [6 10 8] has x = [1 2 3]
  m = reshape([4d0, 1d0, 0d0, 1d0, 3d0, 1d0, 0d0, 1d0, 2d0], [3, 3])
  rhs = [6d0, 10d0, 8d0]
  info = -99
  call dgesv(n, 1, m, n, ipiv, rhs, n, info)
  if (info == 0 .and. all(abs(rhs - [1d0, 2d0, 3d0]) < 1d-12)) then
    print '(a, 3(1x, f0.1))', 'dgesv ok: x =', rhs
  else
    print '(a, i0, a, 3(1x, g0))', 'dgesv WRONG: info ', info, ', x =', rhs
    failures = failures + 1
  end if
#endif

#if INT_SIZE == 8
  ! n = 3 - 2**32 (low 32 bits: 3): an ILP64 library sees n < 1 and idamax returns 0
  big_negative = -4294967293_8
  i = idamax(big_negative, [1d0, -7d0, 3d0], 1)
  if (i == 0 .and. idamax(n, [1d0, -7d0, 3d0], 1) == 2) then
    print '(a)', 'ilp64_high_bits ok'
  else
    print '(a, i0, a)', 'ilp64_high_bits WRONG: idamax with n = 3 - 2**32 returned ', i, ', expected 0'
    failures = failures + 1
  end if
#else
  i = idamax(n, [1d0, -7d0, 3d0], 1)
  if (i /= 2) then
    print '(a, i0, a)', 'idamax WRONG: ', i, ', expected 2'
    failures = failures + 1
  end if
#endif

  if (failures > 0) then
    print '(i0, a)', failures, ' check(s) WRONG'
    error stop 1
  end if
  print '(a)', 'all checks ok'
end program blas_fortran
