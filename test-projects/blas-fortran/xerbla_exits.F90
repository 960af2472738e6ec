! The program's own XERBLA receives the library's parameter errors (Reference-LAPACK's
! BLAS testers check error exits this way): an illegal TRANSA makes DGEMM call XERBLA
! with 'DGEMM' and INFO = 1 and return without computing.
module xerbla_seen
  implicit none
  logical :: called = .false.
  character(len=6) :: routine = ''
  integer :: parameter_number = 0
end module

subroutine xerbla(srname, info)
  use xerbla_seen
  implicit none
  character(len=*), intent(in) :: srname
  integer, intent(in) :: info
  called = .true.
  routine = srname
  parameter_number = info
end subroutine

program xerbla_exits
  use xerbla_seen
  implicit none
  double precision :: a(2, 2), b(2, 2), c(2, 2)
  a = 1
  b = 1
  c = 0
  call dgemm('X', 'N', 2, 2, 2, 1d0, a, 2, b, 2, 0d0, c, 2)
  if (.not. called .or. routine(1:5) /= 'DGEMM' .or. parameter_number /= 1) then
    print '(a, l2, 1x, a, i3)', 'xerbla not reached:', called, routine, parameter_number
    stop 1
  end if
  print '(a)', 'xerbla ok: DGEMM parameter 1'
end program
