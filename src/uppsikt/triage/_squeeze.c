/*
 * The last three steps of normalize.py in one pass over the text, in C (normalize.py holds
 * the same steps in Python, with regular expressions, and uses them when this module was
 * not built):
 *
 *   1. every character that is not a letter, a digit, a space or "*" becomes a space
 *      (Python's `[^\w *]`, then "_" -> " ");
 *   2. letters typed one at a time are joined ("j ä v l a"): a run of three or more
 *      single letters, each between spaces or the ends of the text, one space apart,
 *      loses the spaces between them;
 *   3. three or more of the same letter become one ("jääääävla").
 *
 * "Letter", "digit" and "alphanumeric" are Python's own (Py_UNICODE_ISALPHA,
 * Py_UNICODE_ISDECIMAL, Py_UNICODE_ISALNUM), so the result is the same string the regular
 * expressions give.  squeeze(t) returns (text, kept): kept[i] is the index in t of the
 * i-th character of text, followed by len(t); kept is None when nothing was deleted.
 * Nothing is shared between calls.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static inline int is_word(Py_UCS4 c) { return c == ' ' || c == '*' || Py_UNICODE_ISALNUM(c); }

/* A character of step 2: Python's [^\W\d_] after step 1 has removed "_". */
static inline int is_letterish(Py_UCS4 c) { return Py_UNICODE_ISALNUM(c) && !Py_UNICODE_ISDECIMAL(c); }

/* A letter with a space or an end of the text on each side. */
static inline int single(const Py_UCS4 *a, Py_ssize_t n, Py_ssize_t i) {
    return is_letterish(a[i]) && (i == 0 || a[i - 1] == ' ') && (i == n - 1 || a[i + 1] == ' ');
}

/* 1 (with TypeError set) when arg is not a str. */
static int not_str(PyObject *arg, const char *fn) {
    if (PyUnicode_Check(arg))
        return 0;
    PyErr_Format(PyExc_TypeError, "%s() takes a str", fn);
    return 1;
}

static PyObject *squeeze(PyObject *self, PyObject *arg) {
    if (not_str(arg, "squeeze"))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    Py_UCS4 *a = PyMem_Malloc(sizeof(Py_UCS4) * (n + 1));
    Py_ssize_t *src = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    Py_UCS4 *b = PyMem_Malloc(sizeof(Py_UCS4) * (n + 1));
    Py_ssize_t *srcb = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    if (!a || !src || !b || !srcb) {
        PyMem_Free(a); PyMem_Free(src); PyMem_Free(b); PyMem_Free(srcb);
        return PyErr_NoMemory();
    }
    Py_UCS4 maxchar = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (!is_word(c))
            c = ' ';
        a[i] = c;
    }
    /* Step 2: drop the spaces inside runs of three or more single letters. */
    Py_ssize_t m = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        if (single(a, n, i)) {
            Py_ssize_t j = i, count = 1;
            while (j + 2 < n && a[j + 1] == ' ' && single(a, n, j + 2)) {
                j += 2;
                count++;
            }
            if (count >= 3) {
                for (Py_ssize_t k = i; k <= j; k += 2) {
                    b[m] = a[k];
                    srcb[m++] = k;
                }
            } else {
                for (Py_ssize_t k = i; k <= j; k++) {
                    b[m] = a[k];
                    srcb[m++] = k;
                }
            }
            i = j + 1;
            continue;
        }
        b[m] = a[i];
        srcb[m++] = i;
        i++;
    }
    /* Step 3: a run of three or more of the same letter keeps its first. */
    Py_ssize_t out = 0;
    i = 0;
    while (i < m) {
        Py_UCS4 c = b[i];
        Py_ssize_t k = i + 1;
        while (k < m && b[k] == c)
            k++;
        if (k - i >= 3 && Py_UNICODE_ISALPHA(c)) {
            a[out] = c;
            src[out++] = srcb[i];
        } else {
            for (Py_ssize_t q = i; q < k; q++) {
                a[out] = b[q];
                src[out++] = srcb[q];
            }
        }
        i = k;
    }
    for (Py_ssize_t q = 0; q < out; q++)
        if (a[q] > maxchar)
            maxchar = a[q];
    PyObject *text = PyUnicode_New(out, maxchar);
    PyObject *kept = NULL;
    if (!text)
        goto fail;
    int okind = PyUnicode_KIND(text);
    void *odata = PyUnicode_DATA(text);
    for (Py_ssize_t q = 0; q < out; q++)
        PyUnicode_WRITE(okind, odata, q, a[q]);
    if (out == n) {
        kept = Py_None;
        Py_INCREF(kept);
    } else {
        kept = PyList_New(out + 1);
        if (!kept)
            goto fail;
        for (Py_ssize_t q = 0; q <= out; q++) {
            PyObject *v = PyLong_FromSsize_t(q < out ? src[q] : n);
            if (!v)
                goto fail;
            PyList_SET_ITEM(kept, q, v);
        }
    }
    PyMem_Free(a); PyMem_Free(src); PyMem_Free(b); PyMem_Free(srcb);
    PyObject *result = PyTuple_Pack(2, text, kept);
    Py_DECREF(text);
    Py_DECREF(kept);
    return result;
fail:
    PyMem_Free(a); PyMem_Free(src); PyMem_Free(b); PyMem_Free(srcb);
    Py_XDECREF(text);
    Py_XDECREF(kept);
    return NULL;
}

/* A letter of normalize.py's _LEET_ANY: [a-zåäöéüæø]. */
static inline int leet_letter(Py_UCS4 c) {
    return (c >= 'a' && c <= 'z') || c == 0xE5 || c == 0xE4 || c == 0xF6 || c == 0xE9 || c == 0xFC || c == 0xE6 || c == 0xF8;
}

static inline int leet_char(Py_UCS4 c) {
    return (c >= '0' && c <= '9') || c == '@' || c == '$' || c == '|' || c == '!';
}

/* has_leet(t): does _LEET_ANY match anywhere in t (a leet character with one of its
 * letters right before or after it)? */
static PyObject *has_leet(PyObject *self, PyObject *arg) {
    if (not_str(arg, "has_leet"))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!leet_char(PyUnicode_READ(kind, data, i)))
            continue;
        if ((i > 0 && leet_letter(PyUnicode_READ(kind, data, i - 1))) || (i + 1 < n && leet_letter(PyUnicode_READ(kind, data, i + 1))))
            Py_RETURN_TRUE;
    }
    Py_RETURN_FALSE;
}

static PyMethodDef methods[] = {
    {"squeeze", squeeze, METH_O, "squeeze(t) -> (text, kept): non-word characters to spaces, spaced letters joined, letter runs cut (see normalize.py)."},
    {"has_leet", has_leet, METH_O, "has_leet(t) -> bool: whether normalize.py's _LEET_ANY matches in t."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef squeeze_module = {
    PyModuleDef_HEAD_INIT, "_squeeze", "The last steps of the triage normalisation in C.", -1, methods,
};

PyMODINIT_FUNC PyInit__squeeze(void) { return PyModule_Create(&squeeze_module); }
