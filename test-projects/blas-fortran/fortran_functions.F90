! BLAS/LAPACK *functions* from Fortran with default INTEGERs: the calls whose
! result convention depends on the compiler (COMPLEX: registers or a hidden
! argument; REAL: float or double) plus DOUBLE PRECISION and INTEGER ones.
! Prints "<routine> ok" per call (or "<routine> WRONG ..."), then "all checks ok".
program fortran_functions
  implicit none
  integer :: n, failures
  complex :: cx(2), cy(2)
  complex(kind(0d0)) :: zx(2), zy(2)
  real :: sx(3), sy(3), sa(2, 2), swork(2)
  double precision :: dx(3)
  complex, external :: cdotc, cdotu
  complex(kind(0d0)), external :: zdotc, zdotu
  real, external :: sdot, snrm2, sasum, scnrm2, scasum, sdsdot
  double precision, external :: dnrm2, dasum
  integer, external :: isamax
#ifdef HAVE_LAPACK
  complex, external :: cladiv
  complex(kind(0d0)), external :: zladiv
  real, external :: slamch, slapy2, slange
#endif

  failures = 0
  n = 2
  cx = [(1.0, 2.0), (3.0, 4.0)]
  cy = [(5.0, 6.0), (7.0, 8.0)]
  zx = cx
  zy = cy
  ! conj(x) . y = 70 - 8i, x . y = -18 + 68i
  call check_c('cdotc', cdotc(n, cx, 1, cy, 1), (70.0, -8.0))
  call check_c('cdotu', cdotu(n, cx, 1, cy, 1), (-18.0, 68.0))
  call check_z('zdotc', zdotc(n, zx, 1, zy, 1), (70d0, -8d0))
  call check_z('zdotu', zdotu(n, zx, 1, zy, 1), (-18d0, 68d0))
  ! |x| of [3+4i, 0] = 5; sum |re|+|im| of x = 10
  call check_r('scnrm2', scnrm2(n, [(3.0, 4.0), (0.0, 0.0)], 1), 5.0)
  call check_r('scasum', scasum(n, cx, 1), 10.0)

  n = 3
  sx = [1.0, 2.0, 3.0]
  sy = [4.0, 5.0, 6.0]
  call check_r('sdot', sdot(n, sx, 1, sy, 1), 32.0)
  call check_r('sdsdot', sdsdot(n, 0.5, sx, 1, sy, 1), 32.5)
  call check_r('snrm2', snrm2(2, [3.0, 4.0], 1), 5.0)
  call check_r('sasum', sasum(n, [-1.0, 2.0, -3.0], 1), 6.0)
  dx = [2d0, 3d0, 6d0]
  call check_d('dnrm2', dnrm2(n, dx, 1), 7d0)
  call check_d('dasum', dasum(n, -dx, 1), 11d0)
  if (isamax(n, [1.0, -7.0, 3.0], 1) == 2) then
    print '(a)', 'isamax ok'
  else
    print '(a)', 'isamax WRONG'
    failures = failures + 1
  end if

#ifdef HAVE_LAPACK
  ! (4+2i) / (1+1i) = 3 - 1i
  call check_c('cladiv', cladiv((4.0, 2.0), (1.0, 1.0)), (3.0, -1.0))
  call check_z('zladiv', zladiv((4d0, 2d0), (1d0, 1d0)), (3d0, -1d0))
  call check_r('slapy2', slapy2(3.0, 4.0), 5.0)
  call check_r('slamch', slamch('E') * 2.0**24, 1.0)  ! eps = 2**-24 (rounding)
  ! max-abs-column-sum (one-norm) of [1 -2; 3 4] is 6
  sa = reshape([1.0, 3.0, -2.0, 4.0], [2, 2])
  call check_r('slange', slange('1', 2, 2, sa, 2, swork), 6.0)
#endif

  if (failures > 0) then
    print '(i0, a)', failures, ' check(s) WRONG'
    error stop 1
  end if
  print '(a)', 'all checks ok'

contains

  subroutine check_c(routine, got, want)
    character(*), intent(in) :: routine
    complex, intent(in) :: got, want
    if (got == want) then
      print '(a, a)', routine, ' ok'
    else
      print '(a, a, 2(1x, g0))', routine, ' WRONG:', got
      failures = failures + 1
    end if
  end subroutine

  subroutine check_z(routine, got, want)
    character(*), intent(in) :: routine
    complex(kind(0d0)), intent(in) :: got, want
    if (got == want) then
      print '(a, a)', routine, ' ok'
    else
      print '(a, a, 2(1x, g0))', routine, ' WRONG:', got
      failures = failures + 1
    end if
  end subroutine

  subroutine check_r(routine, got, want)
    character(*), intent(in) :: routine
    real, intent(in) :: got, want
    if (abs(got - want) <= 1e-6 * abs(want)) then
      print '(a, a)', routine, ' ok'
    else
      print '(a, a, 1x, g0)', routine, ' WRONG:', got
      failures = failures + 1
    end if
  end subroutine

  subroutine check_d(routine, got, want)
    character(*), intent(in) :: routine
    double precision, intent(in) :: got, want
    if (abs(got - want) <= 1d-14 * abs(want)) then
      print '(a, a)', routine, ' ok'
    else
      print '(a, a, 1x, g0)', routine, ' WRONG:', got
      failures = failures + 1
    end if
  end subroutine
end program fortran_functions
