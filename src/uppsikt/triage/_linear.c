/*
 * The shipped linear model's scoring loop in C (see base_model.py, which holds the same
 * logic in Python and is used when this module was not built).
 *
 * A post's score per category is the sum of the weight rows of its features: each word of
 * the rules' normalised text with å/ä→a, ö→o, é→e, ü→u folded and "*" read as a space, the
 * word's character 4-grams ("<sk#", "skju#", "uter>#"), and each pair of neighbouring words
 * ("ska do"), each counted once a post.  Feature names are looked up in an open-addressing hash table (FNV-1a over
 * their UTF-8 bytes); a vocabulary word's row already includes its 4-grams, summed once
 * when the scorer is built.  The scorer is immutable after it is built and every call
 * holds the GIL, so threads may share it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define GRAM 4

/* One probe reads one slot: the hash is compared before the name is. */
typedef struct {
    uint64_t hash;
    uint32_t row;
    uint32_t len;
} Slot;

typedef struct {
    PyObject_HEAD
    Py_ssize_t ncat;
    Py_ssize_t nrows;      /* row 0 is the unknown feature */
    Slot *slots;           /* hash table: a row's hash and number (row 0 = empty); NULL until built */
    uint64_t mask;
    float *weights;        /* nrows x ncat: a 4-gram's or pair's own row; a word's own row plus its 4-grams' */
    double *cuts;          /* per category: total >= cut adds it */
    double *veto;          /* per category: total < veto makes it all but impossible */
    uint64_t *small;       /* hash set of the small words (pronouns, prepositions), 0 = empty */
    uint64_t small_mask;
} Scorer;

static inline uint64_t fnv1a(const char *s, Py_ssize_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* FNV-1a carried on over more bytes: fnv1a_more(fnv1a(a), b) == fnv1a(a + b). */
static inline uint64_t fnv1a_more(uint64_t h, const char *s, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch((p), 0, 1)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* A word of the text being scored: where it is, its hash and its pair's with the word
 * before, and the rows found for them (0: none). */
typedef struct {
    Py_ssize_t start, len;
    uint64_t wh, ph;
    uint32_t wrow, prow;
} Token;
#define TOKENS_ON_STACK 256
#define GRAMS_AT_ONCE 32

/* The row of the feature whose name is n bytes long and hashes to h (0: none). */
static inline uint32_t lookup_hashed(const Scorer *sc, Py_ssize_t n, uint64_t h) {
    uint64_t i = h & sc->mask;
    for (;;) {
        const Slot *slot = &sc->slots[i];
        if (!slot->row)
            return 0;
        /* Equal 64-bit hashes and lengths are taken as equal names: two of the model's
         * features colliding with a post's word has odds of about 1 in 10^13 a post, and
         * not reading the name saves a cache miss per lookup. */
        if (slot->hash == h && slot->len == (uint32_t)n)
            return slot->row;
        i = (i + 1) & sc->mask;
    }
}

static inline void add_row(double *acc, const float *row, Py_ssize_t ncat) {
    for (Py_ssize_t k = 0; k < ncat; k++)
        acc[k] += row[k];
}

/* Sum the 4-gram rows of ``word`` (UTF-8, n bytes) into acc; ``buf`` holds n + 8 bytes and
 * ``cps`` n + 3 offsets. */
static void add_grams(const Scorer *sc, const char *word, Py_ssize_t n, double *acc, char *buf, Py_ssize_t *cps) {
    buf[0] = '<';
    memcpy(buf + 1, word, (size_t)n);
    buf[n + 1] = '>';
    Py_ssize_t m = n + 2, ncp = 0;
    for (Py_ssize_t i = 0; i < m; i++)
        if (((unsigned char)buf[i] & 0xC0) != 0x80)
            cps[ncp++] = i;
    cps[ncp] = m;
    /* Each gram's name is the gram followed by '#'. Their hash slots are asked of memory a
     * batch at a time, then read in order. */
    uint64_t hashes[GRAMS_AT_ONCE];
    Py_ssize_t lens[GRAMS_AT_ONCE];
    for (Py_ssize_t first = 0; first + GRAM <= ncp; first += GRAMS_AT_ONCE) {
        Py_ssize_t batch = 0;
        for (Py_ssize_t i = first; i + GRAM <= ncp && batch < GRAMS_AT_ONCE; i++, batch++) {
            Py_ssize_t start = cps[i], end = cps[i + GRAM];
            hashes[batch] = fnv1a_more(fnv1a(buf + start, end - start), "#", 1);
            lens[batch] = end - start + 1;
            PREFETCH(&sc->slots[hashes[batch] & sc->mask]);
        }
        for (Py_ssize_t b = 0; b < batch; b++) {
            uint32_t row = lookup_hashed(sc, lens[b], hashes[b]);
            if (row)
                add_row(acc, sc->weights + (Py_ssize_t)row * sc->ncat, sc->ncat);
        }
    }
}

/* Fold the UTF-8 of a normalised text: å/ä→a, ö→o, é→e, ü→u, '*'→' '. Returns the length. */
static Py_ssize_t fold(const char *s, Py_ssize_t n, char *out) {
    Py_ssize_t j = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '*') {
            out[j++] = ' ';
        } else if (c == 0xC3 && i + 1 < n) {
            unsigned char d = (unsigned char)s[i + 1];
            char r = 0;
            if (d == 0xA5 || d == 0xA4) r = 'a';
            else if (d == 0xB6) r = 'o';
            else if (d == 0xA9) r = 'e';
            else if (d == 0xBC) r = 'u';
            if (r) {
                out[j++] = r;
                i++;
            } else {
                out[j++] = (char)c;
            }
        } else {
            out[j++] = (char)c;
        }
    }
    return j;
}

/* Adds h to a per-call set of hashes; 1 when it was there already (a word or word pair is
 * counted once a post). */
static inline int seen_before(uint64_t *set, uint64_t mask, uint64_t h) {
    if (!h)
        h = 1;
    uint64_t i = h & mask;
    while (set[i]) {
        if (set[i] == h)
            return 1;
        i = (i + 1) & mask;
    }
    set[i] = h;
    return 0;
}

/* The strongest single feature of one category (to explain a decision). */
typedef struct Strongest {
    Py_ssize_t k;          /* the category, or -1 when not wanted */
    double best;
    const char *name;      /* its bytes (in ``keep``), NULL while none */
    Py_ssize_t len;
    char *keep;
    struct Strongest *telling;  /* when set: also the strongest positive feature that is not only small words */
    const Scorer *sc;
} Strongest;

/* Is every word of ``name`` (words a space apart) one of the scorer's small words? */
static int all_small(const Scorer *sc, const char *name, Py_ssize_t len) {
    if (!sc->small)
        return 0;
    Py_ssize_t i = 0;
    while (i < len) {
        Py_ssize_t start = i;
        while (i < len && name[i] != ' ')
            i++;
        uint64_t h = fnv1a(name + start, i - start);
        if (!h)
            h = 1;
        uint64_t j = h & sc->small_mask;
        for (;;) {
            if (!sc->small[j])
                return 0;
            if (sc->small[j] == h)
                break;
            j = (j + 1) & sc->small_mask;
        }
        i++;
    }
    return 1;
}

static void keep_stronger(Strongest *st, double value, const char *name, Py_ssize_t len) {
    if (st->name) {
        if (value < st->best)
            return;
        if (value == st->best) {
            /* ties go to the larger name, as Python's max over (weight, name) */
            Py_ssize_t n = len < st->len ? len : st->len;
            int c = memcmp(name, st->name, (size_t)n);
            if (c < 0 || (c == 0 && len <= st->len))
                return;
        }
    }
    memcpy(st->keep, name, (size_t)len);
    st->name = st->keep;
    st->len = len;
    st->best = value;
}

static void consider(Strongest *st, double value, const char *name, Py_ssize_t len) {
    keep_stronger(st, value, name, len);
    if (st->telling && value > 0 && !all_small(st->sc, name, len))
        keep_stronger(st->telling, value, name, len);
}

/* Totals per category (without bias) of a normalised text, into acc; the number of words,
 * or -1 on error.  With ``st``, also the strongest word or word pair of category st->k. */
static Py_ssize_t walk(const Scorer *sc, PyObject *text, double *acc, Strongest *st) {
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(text, &n);
    if (!s)
        return -1;
    for (Py_ssize_t k = 0; k < sc->ncat; k++)
        acc[k] = 0.0;
    /* folded text, then the scratch for a gram or pair key and the code point offsets */
    char stack[2048];
    Py_ssize_t stack_cps[1024];
    char *mem = stack;
    Py_ssize_t *cps = stack_cps;
    Py_ssize_t need = 2 * n + 16;
    if (need > (Py_ssize_t)sizeof(stack) || n + 8 > 1024) {
        mem = PyMem_Malloc((size_t)need);
        cps = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n + 8));
        if (!mem || !cps) {
            PyMem_Free(mem);
            PyMem_Free(cps);
            PyErr_NoMemory();
            return -1;
        }
    }
    char *folded = mem;
    char *buf = mem + n + 4;
    double *word_acc = NULL;
    if (st) {
        word_acc = PyMem_Malloc(sizeof(double) * (size_t)sc->ncat);
        if (!word_acc) {
            if (mem != stack) {
                PyMem_Free(mem);
                PyMem_Free(cps);
            }
            PyErr_NoMemory();
            return -1;
        }
    }
    Py_ssize_t m = fold(s, n, folded);
    /* the words and word pairs seen so far: at most m of each */
    uint64_t set_stack[1024];
    uint64_t cap = 16;
    while (cap < (uint64_t)(2 * m + 2))
        cap <<= 1;
    uint64_t *seen = set_stack;
    if (cap > 1024) {
        seen = PyMem_Calloc((size_t)cap, sizeof(uint64_t));
        if (!seen) {
            PyMem_Free(word_acc);
            if (mem != stack) {
                PyMem_Free(mem);
                PyMem_Free(cps);
            }
            PyErr_NoMemory();
            return -1;
        }
    } else {
        memset(set_stack, 0, sizeof(uint64_t) * (size_t)cap);
    }
    uint64_t set_mask = cap - 1;
    /* The words, their hashes and their pairs' hashes first, and the hash table's slots
     * asked of memory for all of them at once; then the rows found, asked for too. The
     * table is megabytes: one lookup after another would each wait for memory, together
     * the waits overlap. The sums below are taken in the text's order, as before. */
    Token tok_stack[TOKENS_ON_STACK];
    Token *toks = tok_stack;
    Py_ssize_t max_toks = m / 2 + 2;
    if (max_toks > TOKENS_ON_STACK) {
        toks = PyMem_Malloc(sizeof(Token) * (size_t)max_toks);
        if (!toks) {
            PyMem_Free(word_acc);
            if (seen != set_stack)
                PyMem_Free(seen);
            if (mem != stack) {
                PyMem_Free(mem);
                PyMem_Free(cps);
            }
            PyErr_NoMemory();
            return -1;
        }
    }
    Py_ssize_t count = 0;
    Py_ssize_t i = 0;
    while (i < m) {
        while (i < m && folded[i] == ' ')
            i++;
        if (i >= m)
            break;
        Token *t = &toks[count];
        t->start = i;
        while (i < m && folded[i] != ' ')
            i++;
        t->len = i - t->start;
        t->wh = fnv1a(folded + t->start, t->len);
        PREFETCH(&sc->slots[t->wh & sc->mask]);
        if (count) {
            /* "prev word": the two words with one space, as the features are named */
            const Token *p = &toks[count - 1];
            t->ph = fnv1a_more(fnv1a_more(p->wh, " ", 1), folded + t->start, t->len);
            PREFETCH(&sc->slots[t->ph & sc->mask]);
        }
        count++;
    }
    for (Py_ssize_t j = 0; j < count; j++) {
        Token *t = &toks[j];
        t->wrow = lookup_hashed(sc, t->len, t->wh);
        if (t->wrow)
            PREFETCH(sc->weights + (Py_ssize_t)t->wrow * sc->ncat);
        t->prow = 0;
        if (j) {
            t->prow = lookup_hashed(sc, toks[j - 1].len + 1 + t->len, t->ph);
            if (t->prow)
                PREFETCH(sc->weights + (Py_ssize_t)t->prow * sc->ncat);
        }
    }
    for (Py_ssize_t j = 0; j < count; j++) {
        const Token *t = &toks[j];
        Py_ssize_t start = t->start, wlen = t->len;
        uint32_t row = t->wrow;
        if (seen_before(seen, set_mask, t->wh)) {
            /* counted already */
        } else if (row) {
            const float *w = sc->weights + (Py_ssize_t)row * sc->ncat;
            add_row(acc, w, sc->ncat);
            if (st)
                consider(st, w[st->k], folded + start, wlen);
        } else if (st) {
            for (Py_ssize_t k = 0; k < sc->ncat; k++)
                word_acc[k] = 0.0;
            add_grams(sc, folded + start, wlen, word_acc, buf, cps);
            for (Py_ssize_t k = 0; k < sc->ncat; k++)
                acc[k] += word_acc[k];
            consider(st, word_acc[st->k], folded + start, wlen);
        } else {
            add_grams(sc, folded + start, wlen, acc, buf, cps);
        }
        if (j) {
            uint32_t pair = seen_before(seen, set_mask, t->ph) ? 0 : t->prow;
            if (pair) {
                const float *w = sc->weights + (Py_ssize_t)pair * sc->ncat;
                add_row(acc, w, sc->ncat);
                if (st) {
                    const Token *p = &toks[j - 1];
                    Py_ssize_t plen = p->len + 1 + wlen;
                    memcpy(buf, folded + p->start, (size_t)p->len);
                    buf[p->len] = ' ';
                    memcpy(buf + p->len + 1, folded + start, (size_t)wlen);
                    consider(st, w[st->k], buf, plen);
                }
            }
        }
    }
    if (toks != tok_stack)
        PyMem_Free(toks);
    PyMem_Free(word_acc);
    if (seen != set_stack)
        PyMem_Free(seen);
    if (mem != stack) {
        PyMem_Free(mem);
        PyMem_Free(cps);
    }
    return count;
}

static void Scorer_dealloc(Scorer *self) {
    PyMem_Free(self->slots);
    PyMem_Free(self->weights);
    PyMem_Free(self->cuts);
    PyMem_Free(self->veto);
    PyMem_Free(self->small);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int read_doubles(PyObject *seq, Py_ssize_t n, double **out, const char *what) {
    PyObject *fast = PySequence_Fast(seq, what);
    if (!fast)
        return -1;
    if (PySequence_Fast_GET_SIZE(fast) != n) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_ValueError, "%s: expected %zd values", what, n);
        return -1;
    }
    *out = PyMem_Malloc(sizeof(double) * (size_t)(n ? n : 1));
    if (!*out) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        (*out)[k] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(fast, k));
        if (PyErr_Occurred()) {
            Py_DECREF(fast);
            return -1;
        }
    }
    Py_DECREF(fast);
    return 0;
}

/* Scorer(names: bytes, weights: bytes, ncat: int, cuts, veto, small=b"")
 * names: the feature names, UTF-8, joined by "\n" (row 0 first, its name is ignored);
 * weights: float32, rows x ncat, row-major; small: the words ``telling`` passes over
 * (pronouns, prepositions), folded, UTF-8, joined by "\n". */
static int Scorer_init(Scorer *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"names", "weights", "ncat", "cuts", "veto", "small", NULL};
    Py_buffer names, weights, small = {0};
    Py_ssize_t ncat;
    PyObject *cuts, *veto;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "y*y*nOO|y*", kwlist, &names, &weights, &ncat, &cuts, &veto, &small))
        return -1;
    int rc = -1;
    if (self->slots) {
        PyErr_SetString(PyExc_RuntimeError, "Scorer is already built");
        goto done;
    }
    if (ncat <= 0) {
        PyErr_SetString(PyExc_ValueError, "ncat must be positive");
        goto done;
    }
    Py_ssize_t nrows = 1;
    const char *nb = names.buf;
    for (Py_ssize_t i = 0; i < names.len; i++)
        if (nb[i] == '\n')
            nrows++;
    if (weights.len != (Py_ssize_t)sizeof(float) * nrows * ncat) {
        PyErr_Format(PyExc_ValueError, "weights: %zd bytes for %zd features x %zd categories", weights.len, nrows, ncat);
        goto done;
    }
    if (nrows >= (Py_ssize_t)UINT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "too many features");
        goto done;
    }
    self->ncat = ncat;
    self->nrows = nrows;
    if (read_doubles(cuts, ncat, &self->cuts, "cuts") < 0 || read_doubles(veto, ncat, &self->veto, "veto") < 0)
        goto done;
    uint64_t cap = 16;
    while (cap < (uint64_t)nrows * 2)
        cap <<= 1;
    self->mask = cap - 1;
    /* the names' offsets and lengths: needed only while the scorer is built */
    Py_ssize_t *off = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)nrows);
    Py_ssize_t *len = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)nrows);
    Slot *slots = PyMem_Calloc((size_t)cap, sizeof(Slot));
    self->weights = PyMem_Malloc((size_t)weights.len);
    char *buf = PyMem_Malloc((size_t)names.len + 8);
    Py_ssize_t *cps = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(names.len + 8));
    double *acc = PyMem_Malloc(sizeof(double) * (size_t)ncat);
    if (!off || !len || !slots || !self->weights || !buf || !cps || !acc) {
        PyMem_Free(off);
        PyMem_Free(len);
        PyMem_Free(slots);
        PyMem_Free(buf);
        PyMem_Free(cps);
        PyMem_Free(acc);
        PyErr_NoMemory();
        goto done;
    }
    memcpy(self->weights, weights.buf, (size_t)weights.len);
    Py_ssize_t row = 0, start = 0;
    for (Py_ssize_t i = 0; i <= names.len; i++) {
        if (i == names.len || nb[i] == '\n') {
            off[row] = start;
            len[row] = i - start;
            if (row) {
                uint64_t h = fnv1a(nb + start, i - start);
                uint64_t j = h & self->mask;
                while (slots[j].row)
                    j = (j + 1) & self->mask;
                slots[j].hash = h;
                slots[j].row = (uint32_t)row;
                slots[j].len = (uint32_t)(i - start);
            }
            row++;
            start = i + 1;
        }
    }
    self->slots = slots;
    /* A word feature's row becomes its own weights plus its 4-grams' (a 4-gram's row, read
     * here, ends in "#" and is never a word's). */
    for (Py_ssize_t r = 1; r < nrows; r++) {
        const char *name = nb + off[r];
        Py_ssize_t n = len[r];
        if (!n || memchr(name, ' ', (size_t)n) || memchr(name, '#', (size_t)n))
            continue;
        float *w = self->weights + r * ncat;
        for (Py_ssize_t k = 0; k < ncat; k++)
            acc[k] = w[k];
        add_grams(self, name, n, acc, buf, cps);
        for (Py_ssize_t k = 0; k < ncat; k++)
            w[k] = (float)acc[k];
    }
    PyMem_Free(off);
    PyMem_Free(len);
    PyMem_Free(buf);
    PyMem_Free(cps);
    PyMem_Free(acc);
    if (small.buf && small.len) {
        const char *sb = small.buf;
        Py_ssize_t nsmall = 1;
        for (Py_ssize_t i = 0; i < small.len; i++)
            if (sb[i] == '\n')
                nsmall++;
        uint64_t scap = 16;
        while (scap < (uint64_t)nsmall * 2)
            scap <<= 1;
        self->small = PyMem_Calloc((size_t)scap, sizeof(uint64_t));
        if (!self->small) {
            PyErr_NoMemory();
            goto done;
        }
        self->small_mask = scap - 1;
        Py_ssize_t s0 = 0;
        for (Py_ssize_t i = 0; i <= small.len; i++) {
            if (i == small.len || sb[i] == '\n') {
                uint64_t h = fnv1a(sb + s0, i - s0);
                if (!h)
                    h = 1;
                uint64_t j = h & self->small_mask;
                while (self->small[j] && self->small[j] != h)
                    j = (j + 1) & self->small_mask;
                self->small[j] = h;
                s0 = i + 1;
            }
        }
    }
    rc = 0;
done:
    PyBuffer_Release(&names);
    PyBuffer_Release(&weights);
    if (small.buf)
        PyBuffer_Release(&small);
    return rc;
}

static int check_ready(Scorer *self, PyObject *text) {
    if (!self->slots) {
        PyErr_SetString(PyExc_RuntimeError, "Scorer is not built");
        return -1;
    }
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "text must be a str");
        return -1;
    }
    return 0;
}

/* masks(norm) -> (passed, unlikely): bit k set when category k passes its cut / is below
 * its veto. */
static PyObject *Scorer_masks(Scorer *self, PyObject *text) {
    if (check_ready(self, text) < 0)
        return NULL;
    double acc[64];
    double *a = self->ncat <= 64 ? acc : PyMem_Malloc(sizeof(double) * (size_t)self->ncat);
    if (!a)
        return PyErr_NoMemory();
    Py_ssize_t words = walk(self, text, a, NULL);
    if (words < 0) {
        if (a != acc)
            PyMem_Free(a);
        return NULL;
    }
    unsigned long long passed = 0, unlikely = 0;
    for (Py_ssize_t k = 0; words && k < self->ncat && k < 64; k++) {
        if (a[k] >= self->cuts[k])
            passed |= 1ULL << k;
        if (a[k] < self->veto[k])
            unlikely |= 1ULL << k;
    }
    if (a != acc)
        PyMem_Free(a);
    return Py_BuildValue("(KK)", passed, unlikely);
}

/* totals(norm) -> list of the summed weights per category (without bias). */
static PyObject *Scorer_totals(Scorer *self, PyObject *text) {
    if (check_ready(self, text) < 0)
        return NULL;
    double *a = PyMem_Malloc(sizeof(double) * (size_t)self->ncat);
    if (!a)
        return PyErr_NoMemory();
    if (walk(self, text, a, NULL) < 0) {
        PyMem_Free(a);
        return NULL;
    }
    PyObject *out = PyList_New(self->ncat);
    for (Py_ssize_t k = 0; out && k < self->ncat; k++) {
        PyObject *v = PyFloat_FromDouble(a[k]);
        if (!v) {
            Py_CLEAR(out);
            break;
        }
        PyList_SET_ITEM(out, k, v);
    }
    PyMem_Free(a);
    return out;
}

/* The strongest feature of category k in ``text``; with ``telling``, the word that says
 * most: where the strongest is only small words ("du", "er", "på"), the strongest positive
 * feature that is not (when there is one). (weight, feature), or None for a text without
 * words. */
static PyObject *strongest_of(Scorer *self, PyObject *args, int telling) {
    PyObject *text;
    Py_ssize_t k;
    if (!PyArg_ParseTuple(args, "Un", &text, &k))
        return NULL;
    if (check_ready(self, text) < 0)
        return NULL;
    if (k < 0 || k >= self->ncat) {
        PyErr_SetString(PyExc_IndexError, "category out of range");
        return NULL;
    }
    Py_ssize_t n;
    if (!PyUnicode_AsUTF8AndSize(text, &n))
        return NULL;
    double *a = PyMem_Malloc(sizeof(double) * (size_t)self->ncat);
    char *keep = PyMem_Malloc((size_t)n + 1);
    char *keep2 = telling ? PyMem_Malloc((size_t)n + 1) : NULL;
    if (!a || !keep || (telling && !keep2)) {
        PyMem_Free(a);
        PyMem_Free(keep);
        PyMem_Free(keep2);
        return PyErr_NoMemory();
    }
    Strongest alt = {k, 0.0, NULL, 0, keep2, NULL, self};
    Strongest st = {k, 0.0, NULL, 0, keep, telling ? &alt : NULL, self};
    PyObject *out = NULL;
    if (walk(self, text, a, &st) >= 0) {
        const Strongest *pick = &st;
        if (telling && st.name && st.best > 0 && alt.name && all_small(self, st.name, st.len))
            pick = &alt;
        if (!pick->name) {
            out = Py_NewRef(Py_None);
        } else {
            PyObject *name = PyUnicode_DecodeUTF8(pick->name, pick->len, "strict");
            if (name) {
                out = Py_BuildValue("(dN)", pick->best, name);
            }
        }
    }
    PyMem_Free(a);
    PyMem_Free(keep);
    PyMem_Free(keep2);
    return out;
}

/* strongest(norm, k) -> (weight, feature): the word or word pair that weighs most for
 * category k (a word's weight includes its 4-grams'), or None for a text without words. */
static PyObject *Scorer_strongest(Scorer *self, PyObject *args) {
    return strongest_of(self, args, 0);
}

/* telling(norm, k) -> (weight, feature): as strongest, passing over small words. */
static PyObject *Scorer_telling(Scorer *self, PyObject *args) {
    return strongest_of(self, args, 1);
}

static PyMethodDef Scorer_methods[] = {
    {"strongest", (PyCFunction)Scorer_strongest, METH_VARARGS, "strongest(norm, k) -> (weight, feature) that weighs most for category k"},
    {"telling", (PyCFunction)Scorer_telling, METH_VARARGS, "telling(norm, k) -> (weight, feature): as strongest, passing over small words where another weighs for k"},
    {"masks", (PyCFunction)Scorer_masks, METH_O, "masks(norm) -> (passed, unlikely) bit masks over the categories"},
    {"totals", (PyCFunction)Scorer_totals, METH_O, "totals(norm) -> summed weights per category, without bias"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ScorerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "uppsikt.triage._linear.Scorer",
    .tp_basicsize = sizeof(Scorer),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Scorer(names, weights, ncat, cuts, veto): the shipped linear model's scoring loop",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Scorer_init,
    .tp_dealloc = (destructor)Scorer_dealloc,
    .tp_methods = Scorer_methods,
};

/* ---- the urgency judge: gradient-boosted trees flattened into arrays ------------------
 * Forest(feature: int32 bytes, threshold: float64 bytes, left: int32 bytes,
 *        right: int32 bytes, value: float64 bytes, roots: int32 bytes, baseline, nfeatures)
 * A node with feature -1 is a leaf; elsewhere x[feature] <= threshold goes left.  Every
 * child lies after its parent (checked when built), so every walk ends. */
#define FOREST_MAX_FEATURES 128

typedef struct {
    PyObject_HEAD
    Py_ssize_t nodes, trees, nfeatures;
    int32_t *feature, *left, *right, *roots;
    double *threshold, *value;
    double baseline;
} Forest;

static void Forest_dealloc(Forest *self) {
    PyMem_Free(self->feature);
    PyMem_Free(self->left);
    PyMem_Free(self->right);
    PyMem_Free(self->roots);
    PyMem_Free(self->threshold);
    PyMem_Free(self->value);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static void *copy_buffer(Py_buffer *b, Py_ssize_t item, Py_ssize_t *count) {
    if (b->len % item) {
        PyErr_SetString(PyExc_ValueError, "Forest: an array's length does not fit its type");
        return NULL;
    }
    *count = b->len / item;
    void *out = PyMem_Malloc((size_t)(b->len ? b->len : 1));
    if (!out)
        return PyErr_NoMemory();
    memcpy(out, b->buf, (size_t)b->len);
    return out;
}

static int Forest_init(Forest *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"feature", "threshold", "left", "right", "value", "roots", "baseline", "nfeatures", NULL};
    Py_buffer bf, bt, bl, br, bv, bo;
    double baseline;
    Py_ssize_t nfeatures;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "y*y*y*y*y*y*dn", kwlist, &bf, &bt, &bl, &br, &bv, &bo, &baseline, &nfeatures))
        return -1;
    int rc = -1;
    Py_ssize_t n1, n2, n3, n4, n5, ntrees;
    if (self->feature) {
        PyErr_SetString(PyExc_RuntimeError, "Forest is already built");
        goto done;
    }
    if (nfeatures <= 0 || nfeatures > FOREST_MAX_FEATURES) {
        PyErr_SetString(PyExc_ValueError, "Forest: too many or no features");
        goto done;
    }
    if (!(self->feature = copy_buffer(&bf, 4, &n1)) || !(self->threshold = copy_buffer(&bt, 8, &n2)) || !(self->left = copy_buffer(&bl, 4, &n3))
        || !(self->right = copy_buffer(&br, 4, &n4)) || !(self->value = copy_buffer(&bv, 8, &n5)) || !(self->roots = copy_buffer(&bo, 4, &ntrees)))
        goto done;
    if (n1 != n2 || n1 != n3 || n1 != n4 || n1 != n5 || n1 == 0 || ntrees == 0) {
        PyErr_SetString(PyExc_ValueError, "Forest: the arrays differ in length");
        goto done;
    }
    for (Py_ssize_t i = 0; i < n1; i++) {
        int32_t f = self->feature[i];
        if (f >= nfeatures || f < -1 || (f >= 0 && (self->left[i] <= i || self->left[i] >= n1 || self->right[i] <= i || self->right[i] >= n1))) {
            PyErr_SetString(PyExc_ValueError, "Forest: a node points outside the trees");
            goto done;
        }
    }
    for (Py_ssize_t t = 0; t < ntrees; t++) {
        if (self->roots[t] < 0 || self->roots[t] >= n1) {
            PyErr_SetString(PyExc_ValueError, "Forest: a root lies outside the trees");
            goto done;
        }
    }
    self->nodes = n1;
    self->trees = ntrees;
    self->nfeatures = nfeatures;
    self->baseline = baseline;
    rc = 0;
done:
    PyBuffer_Release(&bf);
    PyBuffer_Release(&bt);
    PyBuffer_Release(&bl);
    PyBuffer_Release(&br);
    PyBuffer_Release(&bv);
    PyBuffer_Release(&bo);
    return rc;
}

/* ``seq`` as a fast sequence of exactly n items (a new reference), or NULL with the error
 * named after the method ``what``. */
static PyObject *sequence_of(PyObject *seq, Py_ssize_t n, const char *what) {
    PyObject *fast = PySequence_Fast(seq, "the values must be a sequence");
    if (!fast)
        return NULL;
    if (PySequence_Fast_GET_SIZE(fast) != n) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_ValueError, "%s: expected %zd values", what, n);
        return NULL;
    }
    return fast;
}

static PyObject *Forest_log_odds(Forest *self, PyObject *seq) {
    if (!self->feature) {
        PyErr_SetString(PyExc_RuntimeError, "Forest is not built");
        return NULL;
    }
    PyObject *fast = sequence_of(seq, self->nfeatures, "log_odds");
    if (!fast)
        return NULL;
    double x[FOREST_MAX_FEATURES];
    PyObject **items = PySequence_Fast_ITEMS(fast);
    for (Py_ssize_t k = 0; k < self->nfeatures; k++) {
        x[k] = PyFloat_AsDouble(items[k]);
        if (x[k] == -1.0 && PyErr_Occurred()) {
            Py_DECREF(fast);
            return NULL;
        }
    }
    Py_DECREF(fast);
    double total = self->baseline;
    for (Py_ssize_t t = 0; t < self->trees; t++) {
        int32_t i = self->roots[t];
        int32_t f = self->feature[i];
        while (f >= 0) {
            i = x[f] <= self->threshold[i] ? self->left[i] : self->right[i];
            f = self->feature[i];
        }
        total += self->value[i];
    }
    return PyFloat_FromDouble(total);
}

static PyMethodDef Forest_methods[] = {
    {"log_odds", (PyCFunction)Forest_log_odds, METH_O, "log_odds(x) -> the baseline plus each tree's leaf value for features x"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ForestType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "uppsikt.triage._linear.Forest",
    .tp_basicsize = sizeof(Forest),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Forest(feature, threshold, left, right, value, roots, baseline, nfeatures): the urgency judge's trees",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Forest_init,
    .tp_dealloc = (destructor)Forest_dealloc,
    .tp_methods = Forest_methods,
};

/* ---- the second opinion's output layer: relu(x + bias) @ out + out_bias ------------------
 * Dense(bias: float64 bytes (units), out: float64 bytes (units x nout, row-major),
 *       out_bias: float64 bytes (nout)) */
typedef struct {
    PyObject_HEAD
    Py_ssize_t units, nout;
    double *bias, *out, *out_bias;
} Dense;

static void Dense_dealloc(Dense *self) {
    PyMem_Free(self->bias);
    PyMem_Free(self->out);
    PyMem_Free(self->out_bias);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Dense_init(Dense *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"bias", "out", "out_bias", NULL};
    Py_buffer bb, bo, bob;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "y*y*y*", kwlist, &bb, &bo, &bob))
        return -1;
    int rc = -1;
    Py_ssize_t units, nout, nw;
    if (self->bias) {
        PyErr_SetString(PyExc_RuntimeError, "Dense is already built");
        goto done;
    }
    if (!(self->bias = copy_buffer(&bb, 8, &units)) || !(self->out = copy_buffer(&bo, 8, &nw)) || !(self->out_bias = copy_buffer(&bob, 8, &nout)))
        goto done;
    if (units == 0 || nout == 0 || nout > 16 || nw != units * nout) {
        PyErr_SetString(PyExc_ValueError, "Dense: the arrays do not fit together");
        goto done;
    }
    self->units = units;
    self->nout = nout;
    rc = 0;
done:
    PyBuffer_Release(&bb);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bob);
    return rc;
}

static PyObject *Dense_logits(Dense *self, PyObject *seq) {
    if (!self->bias) {
        PyErr_SetString(PyExc_RuntimeError, "Dense is not built");
        return NULL;
    }
    PyObject *fast = sequence_of(seq, self->units, "logits");
    if (!fast)
        return NULL;
    double acc[16];
    Py_ssize_t nout = self->nout; /* at most 16, checked when built */
    for (Py_ssize_t o = 0; o < nout; o++)
        acc[o] = self->out_bias[o];
    PyObject **items = PySequence_Fast_ITEMS(fast);
    for (Py_ssize_t u = 0; u < self->units; u++) {
        double h = PyFloat_AsDouble(items[u]);
        if (h == -1.0 && PyErr_Occurred()) {
            Py_DECREF(fast);
            return NULL;
        }
        h += self->bias[u];
        if (h <= 0.0)
            continue;
        const double *row = self->out + u * self->nout;
        for (Py_ssize_t o = 0; o < nout; o++)
            acc[o] += h * row[o];
    }
    Py_DECREF(fast);
    PyObject *res = PyList_New(nout);
    if (!res)
        return NULL;
    for (Py_ssize_t o = 0; o < nout; o++) {
        PyObject *v = PyFloat_FromDouble(acc[o]);
        if (!v) {
            Py_DECREF(res);
            return NULL;
        }
        PyList_SET_ITEM(res, o, v);
    }
    return res;
}

static PyMethodDef Dense_methods[] = {
    {"logits", (PyCFunction)Dense_logits, METH_O, "logits(x) -> relu(x + bias) @ out + out_bias, as a list"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject DenseType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "uppsikt.triage._linear.Dense",
    .tp_basicsize = sizeof(Dense),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Dense(bias, out, out_bias): the second opinion's output layer",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Dense_init,
    .tp_dealloc = (destructor)Dense_dealloc,
    .tp_methods = Dense_methods,
};

static struct PyModuleDef linear_module = {
    PyModuleDef_HEAD_INIT, "_linear", "The shipped linear model's scoring loop in C.", -1, NULL,
};

PyMODINIT_FUNC PyInit__linear(void) {
    if (PyType_Ready(&ScorerType) < 0 || PyType_Ready(&ForestType) < 0 || PyType_Ready(&DenseType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&linear_module);
    if (!m)
        return NULL;
    Py_INCREF(&ScorerType);
    if (PyModule_AddObject(m, "Scorer", (PyObject *)&ScorerType) < 0) {
        Py_DECREF(&ScorerType);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&ForestType);
    if (PyModule_AddObject(m, "Forest", (PyObject *)&ForestType) < 0) {
        Py_DECREF(&ForestType);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&DenseType);
    if (PyModule_AddObject(m, "Dense", (PyObject *)&DenseType) < 0) {
        Py_DECREF(&DenseType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
