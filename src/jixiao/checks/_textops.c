/* Optional C kernel for the narrative checks' text hot path.
 *
 * Two functions, each with exactly the semantics of its pure-Python
 * reference in jixiao/checks/chinese.py (the reference and the fallback when
 * this module is not built; tests/checks/test_textops.py compares the two):
 *
 *   normalize(text) -> str
 *       chinese._normalize_py: whitespace (as str.split() sees it) removed,
 *       full-width forms folded to half-width, then lower-cased.
 *   bigram_overlap(act, exp, stop=()) -> (n_act, n_exp, n_common)
 *       chinese._bigram_overlap_py: the sizes of bigram_codes(act),
 *       bigram_codes(exp) (stop phrases removed, already normalized texts)
 *       and of their intersection, without a Python object per bigram.
 *
 * Plain CPython C API, no dependency.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#if PY_VERSION_HEX < 0x030C0000
#define READY(o) PyUnicode_READY(o)
#else
#define READY(o) 0
#endif

/* -- normalize ---------------------------------------------------------- */

/* chinese._NEEDS_WORK's complement: characters that neither fold to
 * half-width nor change under str.lower. */
static inline int
plain_char(Py_UCS4 c)
{
    if (c < 0x80)
        return c <= 0x40 || c >= 0x5b;
    return c == 0xb7 || (c >= 0x2010 && c <= 0x2027) || (c >= 0x3000 && c <= 0x303f)
        || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || c == 0xff0c;
}

/* chinese._HALF: the characters folded (or deleted) before lower-casing. */
static inline int
foldable(Py_UCS4 c)
{
    return (c >= 0xff01 && c <= 0xff5e && c != 0xff0c) || c == 0x33a1 || c == 0x339e || c == 0x338f
        || c == 0xfe6a || c == 0x200b || c == 0xfeff;
}

/* The half-width form of a foldable character: up to two ASCII characters
 * in out[], their number returned (0: deleted). */
static inline int
fold(Py_UCS4 c, Py_UCS4 out[2])
{
    switch (c) {
    case 0x33a1: out[0] = 'm'; out[1] = '2'; return 2;  /* ㎡ */
    case 0x339e: out[0] = 'k'; out[1] = 'm'; return 2;  /* ㎞ */
    case 0x338f: out[0] = 'k'; out[1] = 'g'; return 2;  /* ㎏ */
    case 0xfe6a: out[0] = '%'; return 1;                /* ﹪ */
    case 0x200b: case 0xfeff: return 0;
    default: out[0] = c - 0xfee0; return 1;
    }
}

/* Whitespace as str.split() sees it. No character from U+3400 on is
 * whitespace (a test guards this), so CJK text skips the table look-up. */
static inline int
space_char(Py_UCS4 c)
{
    return c < 0x3400 && Py_UNICODE_ISSPACE(c);
}

static PyObject *lower_name;  /* "lower", interned */

static PyObject *
textops_normalize(PyObject *module, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "normalize() argument must be str, not %.200s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    if (READY(text) < 0)
        return NULL;
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);

    /* One pass to decide: whitespace to drop; characters to fold or
     * lower-case (work); characters str.lower may change in ways other than
     * A-Z -> a-z (complex: the folded text then goes through str.lower). The
     * length and largest character of the result, as a str needs them. */
    Py_ssize_t out_len = 0;
    Py_UCS4 maxchar = 0;
    int work = 0, complex = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (space_char(c)) {
            continue;
        }
        else if (plain_char(c)) {
            out_len++;
            if (c > maxchar)
                maxchar = c;
        }
        else if (foldable(c)) {
            Py_UCS4 f[2];
            out_len += fold(c, f);
            if (maxchar < 0x7f)
                maxchar = 0x7f;  /* ASCII: the kind is exact (a str must have the smallest one) */
            work = 1;
        }
        else if (c >= 'A' && c <= 'Z') {
            out_len++;
            if (maxchar < 0x7f)
                maxchar = 0x7f;
            work = 1;
        }
        else {
            out_len++;
            if (c > maxchar)
                maxchar = c;
            work = complex = 1;
        }
    }
    if (!work && out_len == n)
        return PyUnicode_Substring(text, 0, n);  /* itself when an exact str */

    /* Lower-case A-Z here unless str.lower must see the whole text. */
    const int lower_here = !complex;
    PyObject *out = PyUnicode_New(out_len, maxchar);
    if (out == NULL)
        return NULL;
    const int okind = PyUnicode_KIND(out);
    void *odata = PyUnicode_DATA(out);
    Py_ssize_t j = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (space_char(c)) {
            continue;
        }
        else if (plain_char(c)) {
            PyUnicode_WRITE(okind, odata, j++, c);
        }
        else if (foldable(c)) {
            Py_UCS4 f[2];
            int k = fold(c, f);
            for (int m = 0; m < k; m++) {
                Py_UCS4 h = f[m];
                if (lower_here && h >= 'A' && h <= 'Z')
                    h += 'a' - 'A';
                PyUnicode_WRITE(okind, odata, j++, h);
            }
        }
        else {
            if (lower_here && c >= 'A' && c <= 'Z')
                c += 'a' - 'A';
            PyUnicode_WRITE(okind, odata, j++, c);
        }
    }
    assert(j == out_len);
    if (!complex)
        return out;
    PyObject *low = PyObject_CallMethodNoArgs(out, lower_name);
    Py_DECREF(out);
    return low;
}

/* -- bigram_overlap ----------------------------------------------------- */

/* chinese._CONTENT_RE's class: CJK, a-z, 0-9, '.', '%'. */
static inline int
content_char(Py_UCS4 c)
{
    return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9') || c == '.' || c == '%';
}

/* A set of bigrams, each a 32-bit key (first << 16 | second; content
 * characters are below U+10000, 0 the boundary mark; the pair (0, 0) is
 * never stored, so 0 marks an empty slot), with the texts it occurs in. */
typedef struct {
    uint32_t key;
    uint32_t in;  /* bit 0: act, bit 1: exp */
} slot_t;

typedef struct {
    slot_t *slots;
    size_t mask;
    int bits;
    Py_ssize_t n[2];   /* distinct bigrams of act, of exp */
    Py_ssize_t common;
    slot_t small[512];
} bigram_set;

static inline size_t
slot_of(uint32_t key, int bits)
{
    return (size_t)((uint32_t)(key * 2654435769u) >> (32 - bits));
}

/* Record the bigram (a, b) of text t (0: act, 1: exp). */
static inline void
set_add(bigram_set *s, Py_UCS4 a, Py_UCS4 b, int t)
{
    uint32_t key = (uint32_t)a << 16 | (uint32_t)b;
    size_t k = slot_of(key, s->bits);
    uint32_t bit = 1u << t;
    for (;;) {
        slot_t *e = &s->slots[k];
        if (e->key == key) {
            if (!(e->in & bit)) {
                e->in |= bit;
                s->n[t]++;
                s->common++;  /* seen in the other text before */
            }
            return;
        }
        if (e->key == 0) {
            e->key = key;
            e->in = bit;
            s->n[t]++;
            return;
        }
        k = (k + 1) & s->mask;
    }
}

/* The stop phrases, in the order the alternation tries them. */
typedef struct {
    PyObject *seq;      /* the fast sequence holding them */
    Py_ssize_t count;
    uint64_t first;     /* bit (c & 63) set for each phrase's first character c */
} phrases_t;

static int
phrases_init(phrases_t *p, PyObject *stop)
{
    p->seq = PySequence_Fast(stop, "bigram_overlap() stop phrases must be a sequence of str");
    if (p->seq == NULL)
        return -1;
    p->count = PySequence_Fast_GET_SIZE(p->seq);
    p->first = 0;
    PyObject **items = PySequence_Fast_ITEMS(p->seq);
    for (Py_ssize_t i = 0; i < p->count; i++) {
        PyObject *ph = items[i];
        if (!PyUnicode_Check(ph)) {
            PyErr_Format(PyExc_TypeError, "bigram_overlap() stop phrases must be str, not %.200s",
                         Py_TYPE(ph)->tp_name);
            Py_DECREF(p->seq);
            return -1;
        }
        if (READY(ph) < 0) {
            Py_DECREF(p->seq);
            return -1;
        }
        if (PyUnicode_GET_LENGTH(ph) == 0) {
            /* an empty branch would match everywhere: chinese.stop_phrase_order() never gives one */
            PyErr_SetString(PyExc_ValueError, "bigram_overlap() stop phrases must not be empty");
            Py_DECREF(p->seq);
            return -1;
        }
        p->first |= (uint64_t)1 << (PyUnicode_READ_CHAR(ph, 0) & 63);
    }
    return 0;
}

/* The length of the first phrase found at text[i], or 0. */
static Py_ssize_t
phrase_at(const phrases_t *p, int kind, const void *data, Py_ssize_t n, Py_ssize_t i, Py_UCS4 c)
{
    if (!(p->first >> (c & 63) & 1))
        return 0;
    PyObject **items = PySequence_Fast_ITEMS(p->seq);
    for (Py_ssize_t k = 0; k < p->count; k++) {
        PyObject *ph = items[k];
        Py_ssize_t len = PyUnicode_GET_LENGTH(ph);
        if (len > n - i || PyUnicode_READ_CHAR(ph, 0) != c)
            continue;
        int pkind = PyUnicode_KIND(ph);
        const void *pdata = PyUnicode_DATA(ph);
        Py_ssize_t m = 1;
        while (m < len && PyUnicode_READ(pkind, pdata, m) == PyUnicode_READ(kind, data, i + m))
            m++;
        if (m == len)
            return len;
    }
    return 0;
}

/* Add the bigrams of one text: the stop phrases removed (leftmost first,
 * the first phrase in order at each position, as re.sub with their
 * alternation), every character outside the content class a boundary
 * mark 0, the text framed by marks; every pair of neighbours but (0, 0). */
static void
add_text(bigram_set *s, PyObject *text, const phrases_t *p, int t)
{
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_UCS4 prev = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (p->count) {
            Py_ssize_t skip = phrase_at(p, kind, data, n, i, c);
            if (skip) {
                i += skip;
                continue;
            }
        }
        i++;
        if (!content_char(c)) {
            if (prev == 0)
                continue;
            c = 0;
        }
        set_add(s, prev, c, t);
        prev = c;
    }
    if (prev != 0)
        set_add(s, prev, 0, t);
}

static PyObject *
textops_bigram_overlap(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 2 || nargs > 3) {
        PyErr_Format(PyExc_TypeError, "bigram_overlap() takes 2 or 3 arguments (%zd given)", nargs);
        return NULL;
    }
    for (int k = 0; k < 2; k++) {
        if (!PyUnicode_Check(args[k])) {
            PyErr_Format(PyExc_TypeError, "bigram_overlap() argument %d must be str, not %.200s", k + 1,
                         Py_TYPE(args[k])->tp_name);
            return NULL;
        }
        if (READY(args[k]) < 0)
            return NULL;
    }
    phrases_t p = {NULL, 0, 0};
    if (nargs == 3 && phrases_init(&p, args[2]) < 0)
        return NULL;

    /* Slots for every bigram, at most half full: a text of n characters
     * has at most n + 1 distinct ones. The table never grows: past 2^32
     * slots (the hash's range) it is still under 20% full: there are fewer
     * than (0x6c00 content characters and the mark)^2 distinct bigrams. */
    bigram_set s;
    size_t need = (size_t)PyUnicode_GET_LENGTH(args[0]) + (size_t)PyUnicode_GET_LENGTH(args[1]) + 2;
    int bits = 4;
    while (bits < 32 && ((size_t)1 << bits) / 2 < need)
        bits++;
    if ((size_t)bits + 4 >= sizeof(size_t) * 8) {  /* a 32-bit build: no room for such a table */
        Py_XDECREF(p.seq);
        return PyErr_NoMemory();
    }
    s.bits = bits;
    s.mask = ((size_t)1 << bits) - 1;
    s.n[0] = s.n[1] = s.common = 0;
    if (s.mask < sizeof(s.small) / sizeof(s.small[0])) {
        s.slots = s.small;
        memset(s.small, 0, (s.mask + 1) * sizeof(slot_t));
    }
    else {
        s.slots = PyMem_Calloc(s.mask + 1, sizeof(slot_t));
        if (s.slots == NULL) {
            Py_XDECREF(p.seq);
            return PyErr_NoMemory();
        }
    }
    add_text(&s, args[0], &p, 0);
    add_text(&s, args[1], &p, 1);
    if (s.slots != s.small)
        PyMem_Free(s.slots);
    Py_XDECREF(p.seq);
    return Py_BuildValue("(nnn)", s.n[0], s.n[1], s.common);
}

/* -- module --------------------------------------------------------------- */

static PyMethodDef textops_methods[] = {
    {"normalize", (PyCFunction)textops_normalize, METH_O,
     "normalize(text, /)\n--\n\nchinese.normalize in C (the pure-Python version is the reference)."},
    {"bigram_overlap", (PyCFunction)(void (*)(void))textops_bigram_overlap, METH_FASTCALL,
     "bigram_overlap(act, exp, stop=(), /)\n--\n\n"
     "(n_act, n_exp, n_common): the sizes of the bigram_codes() sets of two normalized texts\n"
     "(the stop phrases, non-empty and longest first, removed) and of their intersection."},
    {NULL, NULL, 0, NULL},
};

static int
textops_exec(PyObject *module)
{
    if (lower_name == NULL) {
        lower_name = PyUnicode_InternFromString("lower");
        if (lower_name == NULL)
            return -1;
    }
    return 0;
}

static PyModuleDef_Slot textops_slots[] = {
    {Py_mod_exec, textops_exec},
    {0, NULL},
};

static struct PyModuleDef textops_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "jixiao.checks._textops",
    .m_doc = "Optional C kernel for jixiao.checks.chinese (normalize, bigram_overlap).",
    .m_size = 0,
    .m_methods = textops_methods,
    .m_slots = textops_slots,
};

PyMODINIT_FUNC
PyInit__textops(void)
{
    return PyModuleDef_Init(&textops_module);
}
