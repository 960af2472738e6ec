! Calls the shared library's BLAS user; this program links no BLAS itself.
program fortran_shared
  implicit none
  external :: shared_check
  call shared_check()
  print '(a)', 'all checks ok'
end program fortran_shared
