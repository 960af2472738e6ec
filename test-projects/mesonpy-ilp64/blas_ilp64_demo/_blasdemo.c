/* Minimal CPython extension calling Fortran BLAS through the symbol names mesonbuild-blas
 * proved: BLAS_FUNC(ddot) and blas_int come from the generated blas_mangling.h (for
 * scipy-openblas64: scipy_ddot_64_ and int64_t).  No numpy, no vendor BLAS headers. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <blas_mangling.h>

#ifndef HAVE_BLAS_ILP64
#error "this demo is meant for an ILP64 BLAS: meson.build asks for interface: 'ilp64'"
#endif

double BLAS_FUNC(ddot)(const blas_int *n, const double *x, const blas_int *incx, const double *y,
                       const blas_int *incy);
blas_int BLAS_FUNC(idamax)(const blas_int *n, const double *x, const blas_int *incx);

/* Convert a Python sequence of numbers into a freshly malloc'ed double array. */
static double *to_doubles(PyObject *obj, Py_ssize_t *len) {
    PyObject *seq = PySequence_Fast(obj, "expected a sequence of numbers");
    if (seq == NULL) {
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    double *out = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
    if (out == NULL) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(seq, i));
        if (out[i] == -1.0 && PyErr_Occurred()) {
            PyMem_Free(out);
            Py_DECREF(seq);
            return NULL;
        }
    }
    Py_DECREF(seq);
    *len = n;
    return out;
}

static PyObject *demo_ddot(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *xs, *ys;
    if (!PyArg_ParseTuple(args, "OO", &xs, &ys)) {
        return NULL;
    }
    Py_ssize_t nx, ny;
    double *x = to_doubles(xs, &nx);
    if (x == NULL) {
        return NULL;
    }
    double *y = to_doubles(ys, &ny);
    if (y == NULL) {
        PyMem_Free(x);
        return NULL;
    }
    if (nx != ny) {
        PyMem_Free(x);
        PyMem_Free(y);
        return PyErr_Format(PyExc_ValueError, "length mismatch: %zd != %zd", nx, ny);
    }
    blas_int n = (blas_int)nx, inc = 1;
    double result = BLAS_FUNC(ddot)(&n, x, &inc, y, &inc);
    PyMem_Free(x);
    PyMem_Free(y);
    return PyFloat_FromDouble(result);
}

static PyObject *demo_int_size(PyObject *self, PyObject *noargs) {
    (void)self;
    (void)noargs;
    return PyLong_FromSize_t(sizeof(blas_int));
}

/* idamax on [1, -7, 3] with a 64-bit n holding n_low: returns the 1-based index of the
 * largest |x_i| among the first n_low elements (2 for n_low = 3).
 * Negative n is allowed (BLAS returns 0 for n < 1): n = 3 - 2**32 has low word 3, so a library
 * that reads only 32 bits of n answers 2, while a true ILP64 library sees n < 0 and answers 0. */
static PyObject *demo_idamax_hi(PyObject *self, PyObject *arg) {
    (void)self;
    static const double x[3] = {1.0, -7.0, 3.0};
    long long n_low = PyLong_AsLongLong(arg);
    if (n_low == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (n_low > 3) {
        return PyErr_Format(PyExc_ValueError, "n_low must be at most 3 (the array length), got %lld", n_low);
    }
    blas_int n = (blas_int)n_low, inc = 1;
    blas_int result = BLAS_FUNC(idamax)(&n, x, &inc);
    return PyLong_FromLongLong((long long)result);
}

static PyMethodDef demo_methods[] = {
    {"ddot", demo_ddot, METH_VARARGS, "ddot(x, y) -> float, via Fortran BLAS ddot"},
    {"int_size", demo_int_size, METH_NOARGS, "size in bytes of the BLAS integer type used"},
    {"idamax_hi", demo_idamax_hi, METH_O, "idamax_hi(n) -> 1-based idamax of [1, -7, 3][:n], 0 if n < 1"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef demo_module = {
    PyModuleDef_HEAD_INIT, "_blasdemo", "ILP64 BLAS demo extension", -1, demo_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__blasdemo(void) { return PyModule_Create(&demo_module); }
