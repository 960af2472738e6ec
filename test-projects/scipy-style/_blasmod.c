/* One extension module source, built once per interface: dgemm, ddot and the
 * integer width through blas_mangling.h, whichever library the build found. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "blas_mangling.h"

void BLAS_FUNC(dgemm)(const char *transa, const char *transb, const blas_int *m, const blas_int *n,
                      const blas_int *k, const double *alpha, const double *a, const blas_int *lda,
                      const double *b, const blas_int *ldb, const double *beta, double *c,
                      const blas_int *ldc);
double BLAS_FUNC(ddot)(const blas_int *n, const double *x, const blas_int *incx, const double *y,
                       const blas_int *incy);
blas_int BLAS_FUNC(idamax)(const blas_int *n, const double *x, const blas_int *incx);

/* dgemm of [[1,2],[3,4]] and [[5,6],[7,8]] (column major): [19, 43, 22, 50] */
static PyObject *dgemm(PyObject *self, PyObject *args)
{
    double a[4] = {1, 3, 2, 4}, b[4] = {5, 7, 6, 8}, c[4] = {0, 0, 0, 0};
    double one = 1.0, zero = 0.0;
    blas_int two = 2;
    BLAS_FUNC(dgemm)("N", "N", &two, &two, &two, &one, a, &two, b, &two, &zero, c, &two);
    return Py_BuildValue("(dddd)", c[0], c[1], c[2], c[3]);
}

static PyObject *ddot(PyObject *self, PyObject *args)
{
    double x[3] = {1, 2, 3}, y[3] = {4, 5, 6};
    blas_int n = 3, inc = 1;
    return PyFloat_FromDouble(BLAS_FUNC(ddot)(&n, x, &inc, y, &inc));
}

/* idamax over [1, -7, 3] with n given by the caller: 2 for n = 3; an ILP64 library
 * given n = 3 - 2**32 sees a negative n and returns 0, an LP64 one reads 3. */
static PyObject *idamax(PyObject *self, PyObject *args)
{
    long long n_in;
    if (!PyArg_ParseTuple(args, "L", &n_in)) {
        return NULL;
    }
    double x[3] = {1, -7, 3};
    blas_int n = (blas_int)n_in, inc = 1;
    return PyLong_FromLongLong((long long)BLAS_FUNC(idamax)(&n, x, &inc));
}

static PyObject *int_size(PyObject *self, PyObject *args)
{
    return PyLong_FromLong((long)sizeof(blas_int));
}

static PyMethodDef methods[] = {
    {"dgemm", dgemm, METH_NOARGS, "2x2 dgemm"},
    {"ddot", ddot, METH_NOARGS, "ddot of [1,2,3] and [4,5,6]"},
    {"idamax", idamax, METH_VARARGS, "idamax of [1,-7,3] with the given n"},
    {"int_size", int_size, METH_NOARGS, "bytes of blas_int"},
    {NULL, NULL, 0, NULL},
};

#define STR(x) #x
#define XSTR(x) STR(x)
#define INIT(name) PyInit_##name
#define XINIT(name) INIT(name)

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, XSTR(MODULE_NAME), NULL, -1, methods};

PyMODINIT_FUNC XINIT(MODULE_NAME)(void)
{
    return PyModule_Create(&module);
}
