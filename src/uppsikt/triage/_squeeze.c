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
#include <string.h>

/* Python's own character classes of the first 256 code points, read once when the module
 * is loaded (most posts are Latin-1: Swedish letters, no emoji); other code points ask
 * Python each time. */
#define F_ALNUM 1
#define F_DECIMAL 2
#define F_ALPHA 4
static unsigned char latin1_flags[256];

static void init_flags(void) {
    for (Py_UCS4 c = 0; c < 256; c++)
        latin1_flags[c] = (Py_UNICODE_ISALNUM(c) ? F_ALNUM : 0) | (Py_UNICODE_ISDECIMAL(c) ? F_DECIMAL : 0) | (Py_UNICODE_ISALPHA(c) ? F_ALPHA : 0);
}

static inline int is_alnum(Py_UCS4 c) { return c < 256 ? latin1_flags[c] & F_ALNUM : Py_UNICODE_ISALNUM(c); }
static inline int is_alpha(Py_UCS4 c) { return c < 256 ? latin1_flags[c] & F_ALPHA : Py_UNICODE_ISALPHA(c); }

static inline int is_word(Py_UCS4 c) { return c == ' ' || c == '*' || is_alnum(c); }

/* A character of step 2: Python's [^\W\d_] after step 1 has removed "_". */
static inline int is_letterish(Py_UCS4 c) {
    if (c < 256)
        return (latin1_flags[c] & (F_ALNUM | F_DECIMAL)) == F_ALNUM;
    return Py_UNICODE_ISALNUM(c) && !Py_UNICODE_ISDECIMAL(c);
}

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

/* A one-byte text where steps 2 and 3 can delete nothing (no two single letters one
 * space apart, no three same letters in a row: most posts) needs step 1 alone.  Returns the
 * new text, or Py_None (not a new reference) when the full pass is needed. */
static PyObject *squeeze_simple_latin1(const Py_UCS1 *in, Py_ssize_t n) {
    enum { STACK = 1024 };
    if (n > STACK)
        return Py_None;
    Py_UCS1 t[STACK];
    Py_UCS1 high = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS1 c = in[i];
        c = (c == ' ' || c == '*' || (latin1_flags[c] & F_ALNUM)) ? c : ' ';
        t[i] = c;
        high |= c;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS1 c = t[i];
        if (c == ' ')
            continue;
        if (i >= 2 && c == t[i - 1] && c == t[i - 2] && (latin1_flags[c] & F_ALPHA))
            return Py_None;
        /* a single letter with another single letter two places on */
        if ((latin1_flags[c] & (F_ALNUM | F_DECIMAL)) == F_ALNUM && (i == 0 || t[i - 1] == ' ') && i + 2 < n && t[i + 1] == ' ') {
            Py_UCS1 d = t[i + 2];
            if ((latin1_flags[d] & (F_ALNUM | F_DECIMAL)) == F_ALNUM && (i + 3 == n || t[i + 3] == ' '))
                return Py_None;
        }
    }
    PyObject *text = PyUnicode_New(n, high & 0x80 ? 255 : 127);
    if (!text)
        return NULL;
    memcpy(PyUnicode_1BYTE_DATA(text), t, (size_t)n);
    PyObject *result = PyTuple_Pack(2, text, Py_None);
    Py_DECREF(text);
    return result;
}

static PyObject *squeeze(PyObject *self, PyObject *arg) {
    if (not_str(arg, "squeeze"))
        return NULL;
    if (PyUnicode_KIND(arg) == PyUnicode_1BYTE_KIND) {
        PyObject *quick = squeeze_simple_latin1(PyUnicode_1BYTE_DATA(arg), PyUnicode_GET_LENGTH(arg));
        if (quick != Py_None)
            return quick;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    /* one block: a, b (n + 1 characters each), src, srcb (n + 1 offsets each); a post
     * of up to STACK characters needs no allocation */
    enum { STACK = 1024 };
    Py_UCS4 stack_chars[2 * (STACK + 1)];
    Py_ssize_t stack_offs[2 * (STACK + 1)];
    Py_UCS4 *a = stack_chars;
    Py_ssize_t *src = stack_offs;
    if (n > STACK) {
        a = PyMem_Malloc(sizeof(Py_UCS4) * 2 * (size_t)(n + 1));
        src = PyMem_Malloc(sizeof(Py_ssize_t) * 2 * (size_t)(n + 1));
        if (!a || !src) {
            PyMem_Free(a); PyMem_Free(src);
            return PyErr_NoMemory();
        }
    }
    Py_UCS4 *b = a + n + 1;
    Py_ssize_t *srcb = src + n + 1;
    Py_UCS4 maxchar = 0;
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *in = data;
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 c = in[i];
            a[i] = (c == ' ' || c == '*' || (latin1_flags[c] & F_ALNUM)) ? c : ' ';
        }
    } else {
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (!is_word(c))
                c = ' ';
            a[i] = c;
        }
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
        if (k - i >= 3 && is_alpha(c)) {
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
    if (okind == PyUnicode_1BYTE_KIND) {
        Py_UCS1 *o = odata;
        for (Py_ssize_t q = 0; q < out; q++)
            o[q] = (Py_UCS1)a[q];
    } else {
        for (Py_ssize_t q = 0; q < out; q++)
            PyUnicode_WRITE(okind, odata, q, a[q]);
    }
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
    if (a != stack_chars) { PyMem_Free(a); PyMem_Free(src); }
    PyObject *result = PyTuple_Pack(2, text, kept);
    Py_DECREF(text);
    Py_DECREF(kept);
    return result;
fail:
    if (a != stack_chars) { PyMem_Free(a); PyMem_Free(src); }
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
    if (kind == PyUnicode_1BYTE_KIND) {
        /* the common case, one byte a character: skip to the leet characters */
        const Py_UCS1 *b = data;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (!leet_char(b[i]))
                continue;
            if ((i > 0 && leet_letter(b[i - 1])) || (i + 1 < n && leet_letter(b[i + 1])))
                Py_RETURN_TRUE;
        }
        Py_RETURN_FALSE;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!leet_char(PyUnicode_READ(kind, data, i)))
            continue;
        if ((i > 0 && leet_letter(PyUnicode_READ(kind, data, i - 1))) || (i + 1 < n && leet_letter(PyUnicode_READ(kind, data, i + 1))))
            Py_RETURN_TRUE;
    }
    Py_RETURN_FALSE;
}

/* latin1_lower(t, table) -> str or None: t.lower() for a text whose characters are all
 * below 256, read through ``table`` (bytes, 512: the lower case of each code point, then 1
 * for each code point that needs the full path: one NFKC changes, an invisible one, or one
 * whose lower case is not a single Latin-1 character).  None when t has a character above
 * 255 or one that needs the full path. */
static PyObject *latin1_lower(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "latin1_lower(t, table) takes two arguments");
        return NULL;
    }
    PyObject *arg = args[0], *table = args[1];
    if (not_str(arg, "latin1_lower"))
        return NULL;
    if (!PyBytes_Check(table) || PyBytes_GET_SIZE(table) != 512) {
        PyErr_SetString(PyExc_TypeError, "latin1_lower() needs a table of 512 bytes");
        return NULL;
    }
    if (PyUnicode_KIND(arg) != PyUnicode_1BYTE_KIND)
        Py_RETURN_NONE;
    const unsigned char *lower = (const unsigned char *)PyBytes_AS_STRING(table);
    const unsigned char *slow = lower + 256;
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    const Py_UCS1 *in = PyUnicode_1BYTE_DATA(arg);
    /* one pass into a buffer: the lower case, whether any character needs the full path,
     * and whether any is above 127 (a str must know its widest character when made) */
    enum { STACK = 4096 };
    Py_UCS1 stack[STACK];
    Py_UCS1 *buf = n <= STACK ? stack : PyMem_Malloc((size_t)n);
    if (!buf)
        return PyErr_NoMemory();
    unsigned char any = 0, high = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS1 c = in[i];
        any |= slow[c];
        high |= lower[c];
        buf[i] = lower[c];
    }
    PyObject *out = any ? Py_NewRef(Py_None) : PyUnicode_New(n, high & 0x80 ? 255 : 127);
    if (out && !any)
        memcpy(PyUnicode_1BYTE_DATA(out), buf, (size_t)n);
    if (buf != stack)
        PyMem_Free(buf);
    return out;
}

/* dot_word(t): does re.search(r"\.[a-z]{2}", t) find anything (a dot with two small ASCII
 * letters after it, as in a domain)? */
static PyObject *dot_word(PyObject *self, PyObject *arg) {
    if (not_str(arg, "dot_word"))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    for (Py_ssize_t i = 0; i + 2 < n; i++) {
        if (PyUnicode_READ(kind, data, i) != '.')
            continue;
        Py_UCS4 a = PyUnicode_READ(kind, data, i + 1), b = PyUnicode_READ(kind, data, i + 2);
        if (a >= 'a' && a <= 'z' && b >= 'a' && b <= 'z')
            Py_RETURN_TRUE;
    }
    Py_RETURN_FALSE;
}

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch((p), 0, 1)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* collect_hits(matches, payloads) -> {tag: [(start, end, weight, term), ...]}: the lexicon
 * scan's hits (lexicon.py, Lexicon.scan, holds the same loop in Python).  ``matches`` is
 * the automaton's list of (key index, start, end); ``payloads[index]`` is (lead, trail,
 * tag, weight, term, tag, weight, term, ...), lead and trail being the padding spaces the
 * key carries.  The payloads are tens of thousands of objects spread over memory: each
 * level of them is asked of memory for every match at once before it is read. */
static PyObject *collect_hits(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyList_Check(args[0]) || !PyTuple_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "collect_hits(matches: list, payloads: tuple)");
        return NULL;
    }
    PyObject *matches = args[0], *payloads = args[1];
    Py_ssize_t npay = PyTuple_GET_SIZE(payloads);
    Py_ssize_t n = PyList_GET_SIZE(matches);
    /* the payload tuples, checked, then their terms and weights (a hit takes a reference) */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *m = PyList_GET_ITEM(matches, i);
        if (!PyTuple_Check(m) || PyTuple_GET_SIZE(m) != 3)
            goto bad;
        Py_ssize_t index = PyLong_AsSsize_t(PyTuple_GET_ITEM(m, 0));
        if (index == -1 && PyErr_Occurred())
            return NULL;
        if (index < 0 || index >= npay)
            goto bad;
        PREFETCH(PyTuple_GET_ITEM(payloads, index));
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *p = PyTuple_GET_ITEM(payloads, PyLong_AsSsize_t(PyTuple_GET_ITEM(PyList_GET_ITEM(matches, i), 0)));
        if (!PyTuple_Check(p) || PyTuple_GET_SIZE(p) < 5 || (PyTuple_GET_SIZE(p) - 2) % 3)
            goto bad;
        for (Py_ssize_t j = 2; j < PyTuple_GET_SIZE(p); j += 3) {
            PREFETCH(PyTuple_GET_ITEM(p, j + 1));
            PREFETCH(PyTuple_GET_ITEM(p, j + 2));
        }
    }
    PyObject *out = PyDict_New();
    if (!out)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *m = PyList_GET_ITEM(matches, i);
        PyObject *p = PyTuple_GET_ITEM(payloads, PyLong_AsSsize_t(PyTuple_GET_ITEM(m, 0)));
        Py_ssize_t start = PyLong_AsSsize_t(PyTuple_GET_ITEM(m, 1));
        Py_ssize_t stop = PyLong_AsSsize_t(PyTuple_GET_ITEM(m, 2));
        if (PyErr_Occurred())
            goto fail;
        start += PyLong_AsSsize_t(PyTuple_GET_ITEM(p, 0));
        stop -= PyLong_AsSsize_t(PyTuple_GET_ITEM(p, 1));
        if (PyErr_Occurred())
            goto fail;
        PyObject *s = PyLong_FromSsize_t(start);
        PyObject *e = PyLong_FromSsize_t(stop);
        if (!s || !e) {
            Py_XDECREF(s);
            Py_XDECREF(e);
            goto fail;
        }
        for (Py_ssize_t j = 2; j < PyTuple_GET_SIZE(p); j += 3) {
            PyObject *tag = PyTuple_GET_ITEM(p, j);
            PyObject *hit = PyTuple_Pack(4, s, e, PyTuple_GET_ITEM(p, j + 1), PyTuple_GET_ITEM(p, j + 2));
            if (!hit) {
                Py_DECREF(s);
                Py_DECREF(e);
                goto fail;
            }
            PyObject *list = PyDict_GetItemWithError(out, tag);
            int rc;
            if (list) {
                rc = PyList_Append(list, hit);
            } else if (PyErr_Occurred()) {
                rc = -1;
            } else {
                list = PyList_New(1);
                if (list) {
                    Py_INCREF(hit);
                    PyList_SET_ITEM(list, 0, hit);
                    rc = PyDict_SetItem(out, tag, list);
                    Py_DECREF(list);
                } else {
                    rc = -1;
                }
            }
            Py_DECREF(hit);
            if (rc < 0) {
                Py_DECREF(s);
                Py_DECREF(e);
                goto fail;
            }
        }
        Py_DECREF(s);
        Py_DECREF(e);
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
bad:
    PyErr_SetString(PyExc_ValueError, "collect_hits: a match or payload of the wrong shape");
    return NULL;
}

static PyMethodDef methods[] = {
    {"collect_hits", (PyCFunction)(void (*)(void))collect_hits, METH_FASTCALL, "collect_hits(matches, payloads) -> {tag: [(start, end, weight, term)]} (see lexicon.py)."},
    {"dot_word", dot_word, METH_O, "dot_word(t) -> bool: whether re.search(r'\\.[a-z]{2}', t) matches."},
    {"latin1_lower", (PyCFunction)(void (*)(void))latin1_lower, METH_FASTCALL, "latin1_lower(t, table) -> t.lower() for a Latin-1 text that needs no NFKC, or None (see normalize.py)."},
    {"squeeze", squeeze, METH_O, "squeeze(t) -> (text, kept): non-word characters to spaces, spaced letters joined, letter runs cut (see normalize.py)."},
    {"has_leet", has_leet, METH_O, "has_leet(t) -> bool: whether normalize.py's _LEET_ANY matches in t."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef squeeze_module = {
    PyModuleDef_HEAD_INIT, "_squeeze", "The last steps of the triage normalisation in C.", -1, methods,
};

PyMODINIT_FUNC PyInit__squeeze(void) {
    init_flags();
    return PyModule_Create(&squeeze_module);
}
