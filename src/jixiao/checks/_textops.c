/* Optional C kernel for the narrative checks' text hot path.
 *
 * Each function has exactly the semantics of its pure-Python reference in
 * jixiao/checks/chinese.py (the fallback when this module is not built;
 * tests/checks/test_textops.py compares the two), named below:
 *
 *   normalize(text) -> str
 *       chinese._normalize_py: whitespace (as str.split() sees it) removed,
 *       full-width forms folded to half-width, then lower-cased.
 *   bigram_overlap(act, exp, stop=()) -> (n_act, n_exp, n_common)
 *       chinese._bigram_overlap_py: the sizes of bigram_codes(act),
 *       bigram_codes(exp) (the stop phrases removed) and of their
 *       intersection, without a Python object per bigram.
 *   decimal_numbers(text) -> list[str]
 *       chinese._DECIMAL_RE.findall(text) (\d\d*(?:\.\d+)?), without the
 *       regex engine's per-character category test.
 *   blank_phrases(text, phrases) -> str
 *       UnitTable.strip_excluded: the phrases' alternation .sub(), each
 *       match replaced by as many U+3000 (positions kept).
 *   number_run_starts(text) -> list[int]
 *       chinese._run_starts: where chinese._RUN_RE's matches start (where
 *       extract_quantities tries to read a number).
 *
 * Plain CPython C API, no dependency. The loops over a text are written once
 * and inlined for each of the three str kinds (1, 2, 4 bytes a character).
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

/* Call body(kind) with kind a compile-time constant. */
#define BY_KIND(kind, body) \
    switch (kind) { \
    case PyUnicode_1BYTE_KIND: body(PyUnicode_1BYTE_KIND); break; \
    case PyUnicode_2BYTE_KIND: body(PyUnicode_2BYTE_KIND); break; \
    default: body(PyUnicode_4BYTE_KIND); break; \
    }

/* -- normalize ---------------------------------------------------------- */

/* Whitespace as str.split() sees it. No character from U+3400 on is
 * whitespace (a test guards this), so CJK text skips the table look-up. */
static inline int
space_char(Py_UCS4 c)
{
    return c < 0x3400 && Py_UNICODE_ISSPACE(c);
}

/* The complement of chinese._NEEDS_WORK: characters that neither fold to
 * half-width nor change under str.lower (CJK ideographs tested first). */
static inline int
plain_char(Py_UCS4 c)
{
    if (c >= 0x4e00)
        return c <= 0x9fff || c == 0xff0c;
    if (c < 0x80)
        return c <= 0x40 || c >= 0x5b;
    return (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x3000 && c <= 0x303f) || (c >= 0x2010 && c <= 0x2027)
        || c == 0xb7;
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

typedef struct {
    Py_ssize_t out_len;  /* the result's length */
    Py_UCS4 maxchar;     /* its largest character, or 0x7f when that is ASCII */
    int work;            /* something to fold or lower-case */
    int complex;         /* str.lower may change more than A-Z: it sees the folded text */
} norm_scan;

static inline Py_ALWAYS_INLINE void
scan_k(const void *data, Py_ssize_t n, const int kind, norm_scan *r)
{
    Py_ssize_t out_len = 0;
    Py_UCS4 maxchar = 0;
    int work = 0, complex = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (space_char(c))
            continue;
        out_len++;
        if (plain_char(c)) {
            if (c > maxchar)
                maxchar = c;
            continue;
        }
        work = 1;
        if (foldable(c)) {
            Py_UCS4 f[2];
            out_len += fold(c, f) - 1;
            c = 0x7f;  /* ASCII: the result's kind is exact (a str must have the smallest one) */
        }
        else if (!(c >= 'A' && c <= 'Z'))
            complex = 1;
        else
            c = 0x7f;
        if (c > maxchar)
            maxchar = c;
    }
    r->out_len = out_len;
    r->maxchar = maxchar;
    r->work = work;
    r->complex = complex;
}

/* Write the text without whitespace, folded, A-Z lower-cased if lower. */
static inline Py_ALWAYS_INLINE void
write_k(const void *data, Py_ssize_t n, const int kind, int okind, void *odata, int lower)
{
    Py_ssize_t j = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (space_char(c))
            continue;
        if (plain_char(c)) {
            PyUnicode_WRITE(okind, odata, j++, c);
        }
        else if (foldable(c)) {
            Py_UCS4 f[2];
            int k = fold(c, f);
            for (int m = 0; m < k; m++) {
                Py_UCS4 h = f[m];
                if (lower && h >= 'A' && h <= 'Z')
                    h += 'a' - 'A';
                PyUnicode_WRITE(okind, odata, j++, h);
            }
        }
        else {
            if (lower && c >= 'A' && c <= 'Z')
                c += 'a' - 'A';
            PyUnicode_WRITE(okind, odata, j++, c);
        }
    }
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

    norm_scan r;
#define SCAN(k) scan_k(data, n, k, &r)
    BY_KIND(kind, SCAN)
#undef SCAN
    if (!r.work && r.out_len == n)
        return PyUnicode_Substring(text, 0, n);  /* itself when an exact str */

    PyObject *out = PyUnicode_New(r.out_len, r.maxchar);
    if (out == NULL)
        return NULL;
    const int okind = PyUnicode_KIND(out);
    void *odata = PyUnicode_DATA(out);
    const int lower = !r.complex;  /* else str.lower must see the whole folded text */
#define WRITE(k) write_k(data, n, k, okind, odata, lower)
    BY_KIND(kind, WRITE)
#undef WRITE
    if (!r.complex)
        return out;
    PyObject *low = PyObject_CallMethodNoArgs(out, lower_name);
    Py_DECREF(out);
    return low;
}

/* -- bigram_overlap ----------------------------------------------------- */

/* A character of chinese._CONTENT_RE's class (CJK, a-z, 0-9, '.', '%') as
 * a 15-bit code (ASCII as is, U+3400-U+9FFF from 0x80 on), anything else
 * as 0, the boundary mark. */
static inline uint32_t
content_code(Py_UCS4 c)
{
    if (c >= 0x4e00)
        return c <= 0x9fff ? c - 0x3380 : 0;
    if (c >= 0x3400)
        return c <= 0x4dbf ? c - 0x3380 : 0;
    return ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '%') ? c : 0;
}

/* A set of bigrams: open addressing, linear probing, each slot a 30-bit
 * key (first code << 15 | second code; the pair (0, 0) is never stored, so
 * 0 is an empty slot) and a bit for each text the bigram occurs in. */
#define KEY_MASK 0x3fffffffu
#define IN_ACT 0x40000000u
#define SMALL_SLOTS 1024

typedef struct {
    uint32_t *slots;
    uint64_t size;
    Py_ssize_t n[2];   /* distinct bigrams of act, of exp */
    Py_ssize_t common;
} bigram_set;

/* Record the bigram (a, b) of text t (0: act, 1: exp). */
static inline void
set_add(bigram_set *s, uint32_t a, uint32_t b, int t)
{
    const uint32_t key = a << 15 | b;
    const uint32_t bit = IN_ACT << t;
    uint64_t k = (uint64_t)(uint32_t)(key * 2654435769u) * s->size >> 32;  /* a hash in [0, size) */
    for (;;) {
        uint32_t e = s->slots[k];
        if ((e & KEY_MASK) == key) {
            if (!(e & bit)) {
                s->slots[k] = e | bit;
                s->n[t]++;
                s->common++;  /* seen in the other text before */
            }
            return;
        }
        if (e == 0) {
            s->slots[k] = key | bit;
            s->n[t]++;
            return;
        }
        if (++k == s->size)
            k = 0;
    }
}

/* Phrases to find (stop phrases, excluded phrases), in the order their
 * regex alternation tries them: at a position, the first one found wins. */
typedef struct {
    Py_UCS4 first;
    int kind;
    Py_ssize_t len;
    const void *data;
} phrase;

typedef struct {
    PyObject *seq;      /* the fast sequence holding the phrases */
    phrase *ph;
    Py_ssize_t count;
    uint64_t bloom[4];  /* bit (c & 255) set for each phrase's first character c */
    phrase small[32];
} phrases_t;

static void
phrases_empty(phrases_t *p)
{
    p->seq = NULL;
    p->ph = p->small;
    p->count = 0;
    memset(p->bloom, 0, sizeof(p->bloom));
}

static void
phrases_free(phrases_t *p)
{
    if (p->ph != p->small)
        PyMem_Free(p->ph);
    Py_XDECREF(p->seq);
}

static int
phrases_init(phrases_t *p, PyObject *stop)
{
    p->seq = PySequence_Fast(stop, "phrases must be a sequence of str");
    if (p->seq == NULL)
        return -1;
    p->count = PySequence_Fast_GET_SIZE(p->seq);
    p->ph = p->count <= 32 ? p->small : PyMem_Calloc((size_t)p->count, sizeof(phrase));
    if (p->ph == NULL) {
        PyErr_NoMemory();
        Py_DECREF(p->seq);
        return -1;
    }
    PyObject **items = PySequence_Fast_ITEMS(p->seq);
    for (Py_ssize_t i = 0; i < p->count; i++) {
        PyObject *o = items[i];
        if (!PyUnicode_Check(o)) {
            PyErr_Format(PyExc_TypeError, "phrases must be str, not %.200s",
                         Py_TYPE(o)->tp_name);
            phrases_free(p);
            return -1;
        }
        if (READY(o) < 0) {
            phrases_free(p);
            return -1;
        }
        phrase *ph = &p->ph[i];
        ph->len = PyUnicode_GET_LENGTH(o);
        if (ph->len == 0) {
            /* an empty branch would match everywhere: chinese.stop_phrase_order() never gives one */
            PyErr_SetString(PyExc_ValueError, "phrases must not be empty");
            phrases_free(p);
            return -1;
        }
        ph->kind = PyUnicode_KIND(o);
        ph->data = PyUnicode_DATA(o);
        ph->first = PyUnicode_READ(ph->kind, ph->data, 0);
        p->bloom[(ph->first >> 6) & 3] |= (uint64_t)1 << (ph->first & 63);
    }
    return 0;
}

/* The length of the first phrase (in order) found at text[i] == c, or 0. */
static inline Py_ALWAYS_INLINE Py_ssize_t
phrase_at(const phrases_t *p, const void *data, Py_ssize_t n, const int kind, Py_ssize_t i, Py_UCS4 c)
{
    if (!(p->bloom[(c >> 6) & 3] >> (c & 63) & 1))
        return 0;
    for (Py_ssize_t k = 0; k < p->count; k++) {
        const phrase *ph = &p->ph[k];
        if (ph->first != c || ph->len > n - i)
            continue;
        Py_ssize_t m = 1;
        while (m < ph->len && PyUnicode_READ(ph->kind, ph->data, m) == PyUnicode_READ(kind, data, i + m))
            m++;
        if (m == ph->len)
            return m;
    }
    return 0;
}

/* Add the bigrams of one text: the stop phrases removed (leftmost first,
 * the first phrase in order at each position, as re.sub with their
 * alternation), every character outside the content class a boundary
 * mark 0, the text framed by marks; every pair of neighbours but (0, 0). */
static inline Py_ALWAYS_INLINE void
add_text_k(bigram_set *s, const void *data, Py_ssize_t n, const int kind, const phrases_t *p, int t)
{
    uint32_t prev = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        Py_ssize_t skip = phrase_at(p, data, n, kind, i, c);
        if (skip) {
            i += skip;
            continue;
        }
        i++;
        uint32_t code = content_code(c);
        if (code == 0 && prev == 0)
            continue;
        set_add(s, prev, code, t);
        prev = code;
    }
    if (prev != 0)
        set_add(s, prev, 0, t);
}

static void
add_text(bigram_set *s, PyObject *text, const phrases_t *p, int t)
{
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
#define ADD(k) add_text_k(s, data, n, k, p, t)
    BY_KIND(PyUnicode_KIND(text), ADD)
#undef ADD
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
    phrases_t p;
    phrases_empty(&p);
    if (nargs == 3 && phrases_init(&p, args[2]) < 0)
        return NULL;

    /* Slots for every bigram, at most half full: a text of n characters has
     * at most n + 1 distinct ones. Capped at 2^32 slots (the hash's range),
     * the table is still under 20% full: fewer than 0x6c80^2 keys exist. */
    bigram_set s;
    uint64_t need = (uint64_t)PyUnicode_GET_LENGTH(args[0]) + (uint64_t)PyUnicode_GET_LENGTH(args[1]) + 2;
    s.size = need < ((uint64_t)1 << 31) ? 2 * need : (uint64_t)1 << 32;
    s.n[0] = s.n[1] = s.common = 0;
    uint32_t small[SMALL_SLOTS];
    if (s.size <= SMALL_SLOTS) {
        s.slots = small;
        memset(small, 0, (size_t)s.size * sizeof(uint32_t));
    }
    else {
        if (s.size > PY_SSIZE_T_MAX / sizeof(uint32_t)) {  /* a 32-bit build */
            phrases_free(&p);
            return PyErr_NoMemory();
        }
        s.slots = PyMem_Calloc((size_t)s.size, sizeof(uint32_t));
        if (s.slots == NULL) {
            phrases_free(&p);
            return PyErr_NoMemory();
        }
    }
    add_text(&s, args[0], &p, 0);
    add_text(&s, args[1], &p, 1);
    if (s.slots != small)
        PyMem_Free(s.slots);
    phrases_free(&p);
    return Py_BuildValue("(nnn)", s.n[0], s.n[1], s.common);
}

/* -- blank_phrases ------------------------------------------------------ */

/* Pass 1: the largest character left, whether any phrase is found. */
static inline Py_ALWAYS_INLINE int
blank_scan_k(const void *data, Py_ssize_t n, const int kind, const phrases_t *p, Py_UCS4 *maxchar)
{
    int found = 0;
    Py_UCS4 mx = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        Py_ssize_t skip = phrase_at(p, data, n, kind, i, c);
        if (skip) {
            found = 1;
            i += skip;
            continue;
        }
        if (c > mx)
            mx = c;
        i++;
    }
    *maxchar = mx;
    return found;
}

/* Pass 2: the text with each phrase found replaced by as many U+3000. */
static inline Py_ALWAYS_INLINE void
blank_write_k(const void *data, Py_ssize_t n, const int kind, const phrases_t *p, int okind, void *odata)
{
    Py_ssize_t i = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        Py_ssize_t skip = phrase_at(p, data, n, kind, i, c);
        if (skip) {
            for (Py_ssize_t m = 0; m < skip; m++)
                PyUnicode_WRITE(okind, odata, i + m, 0x3000);
            i += skip;
            continue;
        }
        PyUnicode_WRITE(okind, odata, i, c);
        i++;
    }
}

static PyObject *
textops_blank_phrases(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "blank_phrases() takes 2 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *text = args[0];
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "blank_phrases() argument 1 must be str, not %.200s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    if (READY(text) < 0)
        return NULL;
    phrases_t p;
    phrases_empty(&p);
    if (phrases_init(&p, args[1]) < 0)
        return NULL;
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const int kind = PyUnicode_KIND(text);
    Py_UCS4 maxchar = 0;
    int found = 0;
#define SCAN(k) found = blank_scan_k(data, n, k, &p, &maxchar)
    BY_KIND(kind, SCAN)
#undef SCAN
    PyObject *out;
    if (!found) {
        out = PyUnicode_Substring(text, 0, n);  /* itself when an exact str */
    }
    else {
        out = PyUnicode_New(n, maxchar > 0x3000 ? maxchar : 0x3000);
        if (out != NULL) {
            const int okind = PyUnicode_KIND(out);
            void *odata = PyUnicode_DATA(out);
#define WRITE(k) blank_write_k(data, n, k, &p, okind, odata)
            BY_KIND(kind, WRITE)
#undef WRITE
        }
    }
    phrases_free(&p);
    return out;
}

/* -- decimal_numbers ---------------------------------------------------- */

/* \d in a str pattern: Py_UNICODE_ISDECIMAL. The CJK ideographs hold no
 * decimal digit (a test guards this): CJK text skips the table look-up. */
static inline int
decimal_char(Py_UCS4 c)
{
    if (c < 0x80)
        return c >= '0' && c <= '9';
    if (c >= 0x3400 && c <= 0x9fff)
        return 0;
    return Py_UNICODE_ISDECIMAL(c);
}

/* Append the numbers of the text to out: runs of digits, each with its
 * fraction (a '.' and digits) when one follows, left to right. */
static inline Py_ALWAYS_INLINE int
numbers_k(PyObject *text, const void *data, Py_ssize_t n, const int kind, PyObject *out)
{
    Py_ssize_t i = 0;
    while (i < n) {
        if (!decimal_char(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t j = i + 1;
        while (j < n && decimal_char(PyUnicode_READ(kind, data, j)))
            j++;
        if (j + 1 < n && PyUnicode_READ(kind, data, j) == '.' && decimal_char(PyUnicode_READ(kind, data, j + 1))) {
            j += 2;
            while (j < n && decimal_char(PyUnicode_READ(kind, data, j)))
                j++;
        }
        PyObject *num = PyUnicode_Substring(text, i, j);
        if (num == NULL)
            return -1;
        int err = PyList_Append(out, num);
        Py_DECREF(num);
        if (err < 0)
            return -1;
        i = j;
    }
    return 0;
}

static PyObject *
textops_decimal_numbers(PyObject *module, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "decimal_numbers() argument must be str, not %.200s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    if (READY(text) < 0)
        return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int err = 0;
#define NUMBERS(k) err = numbers_k(text, data, n, k, out)
    BY_KIND(PyUnicode_KIND(text), NUMBERS)
#undef NUMBERS
    if (err < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

/* -- number_run_starts -------------------------------------------------- */

/* chinese._RUN_RE = [\d零〇一二两三四五六七八九十百][\d.,零〇一二两三四五六七八九十百千万亿分之]* */
static inline int
run_start_char(Py_UCS4 c)
{
    switch (c) {
    case 0x96f6: case 0x3007: case 0x4e00: case 0x4e8c: case 0x4e24: case 0x4e09: case 0x56db:  /* 零〇一二两三四 */
    case 0x4e94: case 0x516d: case 0x4e03: case 0x516b: case 0x4e5d: case 0x5341: case 0x767e:  /* 五六七八九十百 */
        return 1;
    default:
        return decimal_char(c);
    }
}

static inline int
run_char(Py_UCS4 c)
{
    switch (c) {
    case '.': case ',': case 0x5343: case 0x4e07: case 0x4ebf: case 0x5206: case 0x4e4b:  /* 千万亿分之 */
        return 1;
    default:
        return run_start_char(c);
    }
}

static inline Py_ALWAYS_INLINE int
run_starts_k(const void *data, Py_ssize_t n, const int kind, PyObject *out)
{
    Py_ssize_t i = 0;
    while (i < n) {
        if (!run_start_char(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        PyObject *start = PyLong_FromSsize_t(i);
        if (start == NULL)
            return -1;
        int err = PyList_Append(out, start);
        Py_DECREF(start);
        if (err < 0)
            return -1;
        i++;
        while (i < n && run_char(PyUnicode_READ(kind, data, i)))
            i++;
    }
    return 0;
}

static PyObject *
textops_number_run_starts(PyObject *module, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "number_run_starts() argument must be str, not %.200s",
                     Py_TYPE(text)->tp_name);
        return NULL;
    }
    if (READY(text) < 0)
        return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int err = 0;
#define STARTS(k) err = run_starts_k(data, n, k, out)
    BY_KIND(PyUnicode_KIND(text), STARTS)
#undef STARTS
    if (err < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

/* -- module --------------------------------------------------------------- */

static PyMethodDef textops_methods[] = {
    {"normalize", (PyCFunction)textops_normalize, METH_O,
     "normalize(text, /)\n--\n\nchinese.normalize in C (the pure-Python version is the reference)."},
    {"bigram_overlap", (PyCFunction)(void (*)(void))textops_bigram_overlap, METH_FASTCALL,
     "bigram_overlap(act, exp, stop=(), /)\n--\n\n"
     "(n_act, n_exp, n_common): the sizes of the bigram_codes() sets of two texts\n"
     "(the stop phrases, non-empty and longest first, removed) and of their intersection."},
    {"blank_phrases", (PyCFunction)(void (*)(void))textops_blank_phrases, METH_FASTCALL,
     "blank_phrases(text, phrases, /)\n--\n\n"
     "Each phrase found (leftmost first, the first in order at a position) replaced by as many\n"
     "U+3000: UnitTable.strip_excluded in C."},
    {"decimal_numbers", (PyCFunction)textops_decimal_numbers, METH_O,
     "decimal_numbers(text, /)\n--\n\n"
     "re.findall(r'\\d\\d*(?:\\.\\d+)?', text) in C (chinese.decimal_numbers)."},
    {"number_run_starts", (PyCFunction)textops_number_run_starts, METH_O,
     "number_run_starts(text, /)\n--\n\n"
     "[m.start() for m in chinese._RUN_RE.finditer(text)] in C."},
    {NULL, NULL, 0, NULL},
};

static int
textops_exec(PyObject *module)
{
    (void)module;
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
    .m_doc = "Optional C kernel for jixiao.checks.chinese's text hot path.",
    .m_size = 0,
    .m_methods = textops_methods,
    .m_slots = textops_slots,
};

PyMODINIT_FUNC
PyInit__textops(void)
{
    return PyModuleDef_Init(&textops_module);
}
