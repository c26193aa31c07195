/* iedsl._speedups: the per-hit loop of lexicon-only extraction, in C.
 *
 * Lexicon-only extraction is compared with a bare pyahocorasick scan, and with a
 * large lexicon the automaton reports tens of thousands of hits per MB.  In
 * Python each hit costs about a microsecond of bookkeeping (whole-token test,
 * sentence test, entity lookup), which is as much as the scan itself.  This module
 * does exactly what iedsl/lexicon.py's `_scan_into` does, hit for hit, so that the
 * Python version stays the readable definition and the fallback; the tests run
 * both over generated lexicons and texts and demand the same output.
 *
 * Nothing here decides semantics on its own: which characters are word
 * characters comes from a table built by iedsl (with a Python callback above the
 * Basic Multilingual Plane), and the rare cases (a hit that may straddle a
 * sentence, a lexicon that opted out of a fold) are Python callbacks.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#if defined(_MSC_VER)
#include <intrin.h>
static int
lowest_bit(uint64_t x)
{
    unsigned long i;
    _BitScanForward64(&i, x);
    return (int)i;
}
#else
#define lowest_bit(x) __builtin_ctzll(x)
#endif

/* Line-break characters: a hit holding one may straddle a sentence boundary. */
static int
is_line_break(Py_UCS4 c)
{
    return c == '\n' || c == '\r' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1f) ||
           c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* The truth of a call's result (a new reference, or NULL): 1, 0, or -1 on error. */
static int
truth(PyObject *res)
{
    if (res == NULL)
        return -1;
    int v = PyObject_IsTrue(res);
    Py_DECREF(res);
    return v;
}

/* 1 if `c` is a word character, 0 if not, -1 on error. */
static int
word_char(Py_UCS4 c, const unsigned char *table, Py_ssize_t table_len, PyObject *is_word)
{
    if ((Py_ssize_t)c < table_len)
        return table[c] != 0;
    PyObject *ch = PyUnicode_FromOrdinal((int)c);
    if (ch == NULL)
        return -1;
    PyObject *res = PyObject_CallOneArg(is_word, ch);
    Py_DECREF(ch);
    return truth(res);
}

/* Call `fn(s, e, ...)` and return its truth: 1, 0, or -1 on error. */
static int
call_test(PyObject *fn, Py_ssize_t s, Py_ssize_t e, PyObject *a, PyObject *b)
{
    return truth((a == NULL) ? PyObject_CallFunction(fn, "nn", s, e)
                             : PyObject_CallFunction(fn, "nnOO", s, e, a, b));
}

static Py_ssize_t
as_index(PyObject *list, Py_ssize_t i)
{
    return PyLong_AsSsize_t(PyList_GET_ITEM(list, i));
}

/* What the per-hit loops share: the text, the offset map and the word test. */
typedef struct {
    Py_ssize_t n;
    int kind;
    const void *data;
    PyObject *offsets;                  /* list (folded index -> original) or None */
    const unsigned char *table;
    Py_ssize_t table_len;
    PyObject *is_word;
} Scan;

static int
scan_init(Scan *sc, PyObject *text, PyObject *offsets, PyObject *table, PyObject *is_word)
{
    if (offsets != Py_None && !PyList_Check(offsets)) {
        PyErr_SetString(PyExc_TypeError, "offsets must be a list or None");
        return -1;
    }
    sc->n = PyUnicode_GET_LENGTH(text);
    sc->kind = PyUnicode_KIND(text);
    sc->data = PyUnicode_DATA(text);
    sc->offsets = offsets;
    sc->table = (const unsigned char *)PyBytes_AS_STRING(table);
    sc->table_len = PyBytes_GET_SIZE(table);
    sc->is_word = is_word;
    return 0;
}

/* One entry of an automaton value (iedsl.program.TermEntry): borrowed references. */
typedef struct {
    PyObject *atom, *term_id, *attrs, *check, *folds;
} Entry;

/* Entry `k` of `value` (the first is inline, the others in value[9]); -1 on error. */
static int
get_entry(PyObject *value, Py_ssize_t k, Entry *out)
{
    PyObject *src = value;
    Py_ssize_t base = 4;
    if (k > 0) {
        src = PyTuple_GET_ITEM(PyTuple_GET_ITEM(value, 9), k - 1);
        base = 0;
        if (!PyTuple_Check(src) || PyTuple_GET_SIZE(src) != 5) {
            PyErr_SetString(PyExc_TypeError, "unexpected automaton entry shape");
            return -1;
        }
    }
    out->atom = PyTuple_GET_ITEM(src, base);
    out->term_id = PyTuple_GET_ITEM(src, base + 1);
    out->attrs = PyTuple_GET_ITEM(src, base + 2);
    out->check = PyTuple_GET_ITEM(src, base + 3);
    out->folds = PyTuple_GET_ITEM(src, base + 4);
    return 0;
}

/* One automaton item `(end_incl, value)` (value: see iedsl.program.TermEntry): its
 * span in the original text and whether it is a whole-token hit, as
 * iedsl.scan.scan_literals decides.  1: it is (outputs set; `*n_entries` entries,
 * read with get_entry), 0: it is not, -1: error. */
static int
whole_token(Scan *sc, PyObject *item, Py_ssize_t *s_out, Py_ssize_t *e_out, long *risk_out,
            PyObject **value_out, Py_ssize_t *n_entries)
{
    if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2)
        goto bad;
    PyObject *value = PyTuple_GET_ITEM(item, 1);
    if (!PyTuple_Check(value) || PyTuple_GET_SIZE(value) != 10 ||
            !PyTuple_Check(PyTuple_GET_ITEM(value, 9)))
        goto bad;
    Py_ssize_t end_incl = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 0));
    Py_ssize_t klen = PyLong_AsSsize_t(PyTuple_GET_ITEM(value, 0));
    int starts_word = PyObject_IsTrue(PyTuple_GET_ITEM(value, 1));
    int ends_word = PyObject_IsTrue(PyTuple_GET_ITEM(value, 2));
    long risk = PyLong_AsLong(PyTuple_GET_ITEM(value, 3));
    if (PyErr_Occurred() || starts_word < 0 || ends_word < 0)
        goto bad;
    Py_ssize_t s, e;
    if (sc->offsets == Py_None) {
        e = end_incl + 1;
        s = e - klen;
    }
    else {
        if (end_incl + 1 - klen < 0 || end_incl + 1 >= PyList_GET_SIZE(sc->offsets))
            goto bad;
        s = as_index(sc->offsets, end_incl + 1 - klen);
        e = as_index(sc->offsets, end_incl) + 1;
        if (PyErr_Occurred())
            return -1;
    }
    if (s < 0 || e > sc->n)
        goto bad;
    if (starts_word && s) {
        int w = word_char(PyUnicode_READ(sc->kind, sc->data, s - 1), sc->table, sc->table_len,
                          sc->is_word);
        if (w)
            return w < 0 ? -1 : 0;
    }
    if (ends_word && e < sc->n) {
        int w = word_char(PyUnicode_READ(sc->kind, sc->data, e), sc->table, sc->table_len,
                          sc->is_word);
        if (w)
            return w < 0 ? -1 : 0;
    }
    *s_out = s;
    *e_out = e;
    *risk_out = risk;
    *value_out = value;
    *n_entries = 1 + PyTuple_GET_SIZE(PyTuple_GET_ITEM(value, 9));
    return 1;
bad:
    if (!PyErr_Occurred())
        PyErr_SetString(PyExc_TypeError, "unexpected automaton value shape");
    return -1;
}

PyDoc_STRVAR(scan_hits_doc,
"scan_hits(hits, text, offsets, word_table, is_word, check_ok) -> list\n\n"
"iedsl.scan.scan_literals's loop: every whole-token hit of every entry, as\n"
"`(start, end, atom, term_id, attrs, risk)`; `check_ok(s, e, check, folds)` decides\n"
"entries of lexicons that opted out of a fold.");

static PyObject *
scan_hits(PyObject *self, PyObject *args)
{
    PyObject *hits, *text, *offsets, *table_obj, *is_word, *check_ok;
    if (!PyArg_ParseTuple(args, "OUOSOO", &hits, &text, &offsets, &table_obj, &is_word,
                          &check_ok))
        return NULL;
    Scan sc;
    if (scan_init(&sc, text, offsets, table_obj, is_word) < 0)
        return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    PyObject *it = PyObject_GetIter(hits);
    if (it == NULL) {
        Py_DECREF(out);
        return NULL;
    }
    PyObject *item;
    int failed = 0;
    while (!failed && (item = PyIter_Next(it)) != NULL) {
        Py_ssize_t s, e;
        long risk;
        PyObject *value;
        Py_ssize_t n_entries = 0;
        int ok = whole_token(&sc, item, &s, &e, &risk, &value, &n_entries);
        if (ok < 0)
            failed = 1;
        for (Py_ssize_t k = 0; ok > 0 && !failed && k < n_entries; k++) {
            Entry entry;
            if (get_entry(value, k, &entry) < 0) {
                failed = 1;
                break;
            }
            if (entry.check != Py_None) {
                int pass = call_test(check_ok, s, e, entry.check, entry.folds);
                if (pass < 0) {
                    failed = 1;
                    break;
                }
                if (!pass)
                    continue;
            }
            PyObject *hit = Py_BuildValue("(nnOOOl)", s, e, entry.atom, entry.term_id,
                                          entry.attrs, risk);
            if (hit == NULL || PyList_Append(out, hit) < 0)
                failed = 1;
            Py_XDECREF(hit);
        }
        Py_DECREF(item);
    }
    Py_DECREF(it);
    if (failed || PyErr_Occurred()) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

PyDoc_STRVAR(lexicon_hits_doc,
"lexicon_hits(hits, text, offsets, body, long_doc, word_table, is_word, entity_of,\n"
"             per_entity, sentence_ok, check_ok) -> None\n\n"
"Consume the automaton iterator `hits` and append `(start, -end, seq, term_id, attrs)`\n"
"to `per_entity[i]` for every whole-token hit of an entity atom (`seq` counts them in\n"
"scan order); see iedsl.lexicon._scan_into, which this mirrors.");

static PyObject *
lexicon_hits(PyObject *self, PyObject *args)
{
    PyObject *hits, *text, *offsets, *table_obj, *is_word, *entity_of, *per_entity;
    PyObject *sentence_ok, *check_ok;
    Py_ssize_t body, seq = 0;
    int long_doc;
    if (!PyArg_ParseTuple(args, "OUOnpSOO!O!OO", &hits, &text, &offsets, &body, &long_doc,
                          &table_obj, &is_word, &PyList_Type, &entity_of, &PyList_Type,
                          &per_entity, &sentence_ok, &check_ok))
        return NULL;
    Scan sc;
    if (scan_init(&sc, text, offsets, table_obj, is_word) < 0)
        return NULL;
    int kind = sc.kind;
    const void *data = sc.data;
    Py_ssize_t n_atoms = PyList_GET_SIZE(entity_of);
    Py_ssize_t n_entities = PyList_GET_SIZE(per_entity);

    PyObject *it = PyObject_GetIter(hits);
    if (it == NULL)
        return NULL;
    PyObject *item;
    while ((item = PyIter_Next(it)) != NULL) {
        Py_ssize_t s, e;
        long risk;
        PyObject *value;
        Py_ssize_t n_entries = 0;
        int whole = whole_token(&sc, item, &s, &e, &risk, &value, &n_entries);
        if (whole < 0)
            goto fail_item;
        if (!whole || s < body)
            goto next;
        if (risk) {
            int need = risk == 2 || long_doc;
            for (Py_ssize_t i = s; !need && i < e; i++)
                need = is_line_break(PyUnicode_READ(kind, data, i));
            if (need) {
                int ok = call_test(sentence_ok, s, e, NULL, NULL);
                if (ok < 0)
                    goto fail_item;
                if (!ok)
                    goto next;
            }
        }
        for (Py_ssize_t k = 0; k < n_entries; k++) {
            Entry entry;
            if (get_entry(value, k, &entry) < 0)
                goto fail_item;
            Py_ssize_t atom = PyLong_AsSsize_t(entry.atom);
            if (atom < 0 || atom >= n_atoms) {
                if (PyErr_Occurred())
                    goto fail_item;
                goto bad_item;
            }
            PyObject *ents = PyList_GET_ITEM(entity_of, atom);
            if (ents == Py_None)
                continue;
            if (entry.check != Py_None) {
                int ok = call_test(check_ok, s, e, entry.check, entry.folds);
                if (ok < 0)
                    goto fail_item;
                if (!ok)
                    continue;
            }
            if (!PyTuple_Check(ents))
                goto bad_item;
            seq++;
            PyObject *cand = PyTuple_New(5);
            if (cand == NULL)
                goto fail_item;
            PyObject *s_obj = PyLong_FromSsize_t(s), *e_obj = PyLong_FromSsize_t(-e);
            PyObject *seq_obj = PyLong_FromSsize_t(seq);
            PyTuple_SET_ITEM(cand, 0, s_obj);
            PyTuple_SET_ITEM(cand, 1, e_obj);
            PyTuple_SET_ITEM(cand, 2, seq_obj);
            PyTuple_SET_ITEM(cand, 3, Py_NewRef(entry.term_id));
            PyTuple_SET_ITEM(cand, 4, Py_NewRef(entry.attrs));
            if (s_obj == NULL || e_obj == NULL || seq_obj == NULL) {
                Py_DECREF(cand);
                goto fail_item;
            }
            for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(ents); j++) {
                Py_ssize_t ei = PyLong_AsSsize_t(PyTuple_GET_ITEM(ents, j));
                if (ei < 0 || ei >= n_entities ||
                        PyList_Append(PyList_GET_ITEM(per_entity, ei), cand) < 0) {
                    Py_DECREF(cand);
                    if (!PyErr_Occurred())
                        PyErr_SetString(PyExc_IndexError, "entity index out of range");
                    goto fail_item;
                }
            }
            Py_DECREF(cand);
        }
    next:
        Py_DECREF(item);
        continue;
    bad_item:
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "unexpected automaton value shape");
    fail_item:
        Py_DECREF(item);
        Py_DECREF(it);
        return NULL;
    }
    Py_DECREF(it);
    if (PyErr_Occurred())
        return NULL;
    Py_RETURN_NONE;
}

PyDoc_STRVAR(fold_chars_doc,
"fold_chars(text, table) -> str\n\n"
"`text` with each character below len(table) // 4 replaced by table[c] (a UCS-4\n"
"code point, little-endian; 0 keeps the character): iedsl.fold's 1:1 character\n"
"folds in one pass.  Characters beyond the table are kept.");

static PyObject *
fold_chars(PyObject *self, PyObject *args)
{
    PyObject *text, *table_obj;
    if (!PyArg_ParseTuple(args, "US", &text, &table_obj))
        return NULL;
    const unsigned char *raw = (const unsigned char *)PyBytes_AS_STRING(table_obj);
    Py_ssize_t table_len = PyBytes_GET_SIZE(table_obj) / 4;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_UCS4 maxchar = 0;
    Py_ssize_t changed = 0;
    /* first pass: the widest result character, and whether anything changes */
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if ((Py_ssize_t)c < table_len) {
            const unsigned char *p = raw + 4 * c;
            Py_UCS4 f = (Py_UCS4)p[0] | (Py_UCS4)p[1] << 8 | (Py_UCS4)p[2] << 16 |
                        (Py_UCS4)p[3] << 24;
            if (f) {
                c = f;
                changed++;
            }
        }
        if (c > maxchar)
            maxchar = c;
    }
    if (!changed)
        return Py_NewRef(text);
    PyObject *out = PyUnicode_New(n, maxchar);
    if (out == NULL)
        return NULL;
    int okind = PyUnicode_KIND(out);
    void *odata = PyUnicode_DATA(out);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if ((Py_ssize_t)c < table_len) {
            const unsigned char *p = raw + 4 * c;
            Py_UCS4 f = (Py_UCS4)p[0] | (Py_UCS4)p[1] << 8 | (Py_UCS4)p[2] << 16 |
                        (Py_UCS4)p[3] << 24;
            if (f)
                c = f;
        }
        PyUnicode_WRITE(okind, odata, i, c);
    }
    return out;
}

PyDoc_STRVAR(chain_mentions_doc,
"chain_mentions(cands, text, mention_type, label, name, priority) -> list\n\n"
"Mentions of one entity from its sorted candidates `(start, -end, seq, term_id, attrs)`:\n"
"leftmost-longest and non-overlapping, as iedsl.lexicon.lexicon_mentions's loop makes\n"
"them (for an entity without a value normalizer).");

static PyObject *
chain_mentions(PyObject *self, PyObject *args)
{
    PyObject *cands, *text, *label, *name, *priority;
    PyTypeObject *mention_type;
    if (!PyArg_ParseTuple(args, "O!UO!OOO", &PyList_Type, &cands, &text, &PyType_Type,
                          &mention_type, &label, &name, &priority))
        return NULL;
    if (!PyType_IsSubtype(mention_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "mention_type must be a tuple subclass");
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    Py_ssize_t last = -1;
    Py_ssize_t n = PyList_GET_SIZE(cands);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *c = PyList_GET_ITEM(cands, i);
        if (!PyTuple_Check(c) || PyTuple_GET_SIZE(c) != 5) {
            PyErr_SetString(PyExc_TypeError, "unexpected candidate shape");
            goto fail;
        }
        Py_ssize_t s = PyLong_AsSsize_t(PyTuple_GET_ITEM(c, 0));
        if (s == -1 && PyErr_Occurred())
            goto fail;
        if (s < last)
            continue;
        PyObject *neg_e = PyTuple_GET_ITEM(c, 1);
        Py_ssize_t e = -PyLong_AsSsize_t(neg_e);
        if (PyErr_Occurred())
            goto fail;
        last = e;
        PyObject *m = mention_type->tp_alloc(mention_type, 9);
        if (m == NULL)
            goto fail;
        PyObject *s_obj = Py_NewRef(PyTuple_GET_ITEM(c, 0));
        PyObject *e_obj = PyLong_FromSsize_t(e);
        PyObject *t_obj = PyUnicode_Substring(text, s, e);
        PyTuple_SET_ITEM(m, 0, Py_NewRef(label));
        PyTuple_SET_ITEM(m, 1, s_obj);
        PyTuple_SET_ITEM(m, 2, e_obj);
        PyTuple_SET_ITEM(m, 3, t_obj);
        PyTuple_SET_ITEM(m, 4, Py_NewRef(name));
        PyTuple_SET_ITEM(m, 5, Py_NewRef(priority));
        PyTuple_SET_ITEM(m, 6, Py_NewRef(PyTuple_GET_ITEM(c, 3)));
        PyTuple_SET_ITEM(m, 7, Py_NewRef(Py_None));
        PyTuple_SET_ITEM(m, 8, Py_NewRef(PyTuple_GET_ITEM(c, 4)));
        if (e_obj == NULL || t_obj == NULL || PyList_Append(out, m) < 0) {
            Py_DECREF(m);
            goto fail;
        }
        Py_DECREF(m);
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* ------------------------------------------------------------------ NFA matching
 * iedsl.patterns.longest_at over a compiled form of the pattern's NFA: state sets
 * as bitsets, positions visited in increasing order (every atom occurrence ends
 * after it starts, so a position's state set is complete when it is reached).
 */
typedef struct {
    Py_ssize_t n_states, words, accept;
    uint64_t *start;          /* words */
    uint64_t *closure;        /* n_states * words */
    Py_ssize_t *trans_off;    /* n_states + 1 */
    Py_ssize_t *trans_target;
    PyObject **trans_atom;    /* new references: the atom index as a Python int */
    Py_ssize_t n_trans;
} Nfa;

static const char *NFA_CAPSULE = "iedsl._speedups.Nfa";

static void
nfa_free(Nfa *nfa)
{
    if (nfa == NULL)
        return;
    if (nfa->trans_atom != NULL) {
        for (Py_ssize_t i = 0; i < nfa->n_trans; i++)
            Py_XDECREF(nfa->trans_atom[i]);
    }
    PyMem_Free(nfa->trans_atom);
    PyMem_Free(nfa->trans_target);
    PyMem_Free(nfa->trans_off);
    PyMem_Free(nfa->closure);
    PyMem_Free(nfa->start);
    PyMem_Free(nfa);
}

static void
nfa_capsule_free(PyObject *capsule)
{
    nfa_free((Nfa *)PyCapsule_GetPointer(capsule, NFA_CAPSULE));
}

/* Set the bits of the states in the iterable `states` into `bits`. */
static int
fill_bits(uint64_t *bits, PyObject *states, Py_ssize_t n_states)
{
    PyObject *it = PyObject_GetIter(states);
    if (it == NULL)
        return -1;
    PyObject *x;
    while ((x = PyIter_Next(it)) != NULL) {
        Py_ssize_t st = PyLong_AsSsize_t(x);
        Py_DECREF(x);
        if (st < 0 || st >= n_states) {
            Py_DECREF(it);
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "NFA state out of range");
            return -1;
        }
        bits[st / 64] |= (uint64_t)1 << (st % 64);
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : 0;
}

PyDoc_STRVAR(compile_nfa_doc,
"compile_nfa(trans, closure, start, accept) -> capsule\n\n"
"The C form of an iedsl.patterns.NFA, for longest_at.");

static PyObject *
compile_nfa(PyObject *self, PyObject *args)
{
    PyObject *trans, *closure, *start;
    Py_ssize_t accept;
    if (!PyArg_ParseTuple(args, "O!O!On", &PyTuple_Type, &trans, &PyTuple_Type, &closure,
                          &start, &accept))
        return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(trans);
    if (PyTuple_GET_SIZE(closure) != n || accept < 0 || accept >= n) {
        PyErr_SetString(PyExc_ValueError, "inconsistent NFA");
        return NULL;
    }
    Nfa *nfa = PyMem_Calloc(1, sizeof(Nfa));
    if (nfa == NULL)
        return PyErr_NoMemory();
    nfa->n_states = n;
    nfa->words = (n + 63) / 64;
    nfa->accept = accept;
    Py_ssize_t n_trans = 0;
    for (Py_ssize_t st = 0; st < n; st++) {
        PyObject *ts = PyTuple_GET_ITEM(trans, st);
        if (!PyTuple_Check(ts)) {
            PyErr_SetString(PyExc_TypeError, "NFA transitions must be tuples");
            goto fail;
        }
        n_trans += PyTuple_GET_SIZE(ts);
    }
    nfa->start = PyMem_Calloc(nfa->words, sizeof(uint64_t));
    nfa->closure = PyMem_Calloc(n * nfa->words, sizeof(uint64_t));
    nfa->trans_off = PyMem_Calloc(n + 1, sizeof(Py_ssize_t));
    nfa->trans_target = PyMem_Calloc(n_trans + 1, sizeof(Py_ssize_t));
    nfa->trans_atom = PyMem_Calloc(n_trans + 1, sizeof(PyObject *));
    if (!nfa->start || !nfa->closure || !nfa->trans_off || !nfa->trans_target ||
            !nfa->trans_atom) {
        PyErr_NoMemory();
        goto fail;
    }
    nfa->n_trans = n_trans;
    if (fill_bits(nfa->start, start, n) < 0)
        goto fail;
    Py_ssize_t k = 0;
    for (Py_ssize_t st = 0; st < n; st++) {
        if (fill_bits(nfa->closure + st * nfa->words, PyTuple_GET_ITEM(closure, st), n) < 0)
            goto fail;
        nfa->trans_off[st] = k;
        PyObject *ts = PyTuple_GET_ITEM(trans, st);
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(ts); i++, k++) {
            PyObject *t = PyTuple_GET_ITEM(ts, i);
            if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 2) {
                PyErr_SetString(PyExc_TypeError, "NFA transition must be (atom, target)");
                goto fail;
            }
            Py_ssize_t target = PyLong_AsSsize_t(PyTuple_GET_ITEM(t, 1));
            if (target < 0 || target >= n) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_ValueError, "NFA target out of range");
                goto fail;
            }
            nfa->trans_target[k] = target;
            nfa->trans_atom[k] = Py_NewRef(PyTuple_GET_ITEM(t, 0));
        }
    }
    nfa->trans_off[n] = k;
    PyObject *capsule = PyCapsule_New(nfa, NFA_CAPSULE, nfa_capsule_free);
    if (capsule == NULL)
        goto fail;
    return capsule;
fail:
    nfa_free(nfa);
    return NULL;
}

#define STACK_WORDS 1024

/* The occurrences of `atom` at the token position `pos_obj`, as a sequence of
 * (end, payload): from the view's table, or from the Python `occurrences(view,
 * atoms, atom, pos)` for the atoms in `special`.  Returns a new reference, or NULL
 * with *err unset when there are none, or NULL with *err set on an error. */
static PyObject *
get_occ(PyObject *table, PyObject *special, PyObject *occ_fn, PyObject *view,
        PyObject *atoms, PyObject *atom, PyObject *pos_obj, int *err)
{
    PyObject *occ, *owned = NULL;
    PyObject *by_start = PyDict_GetItemWithError(table, atom);
    if (by_start != NULL) {
        if (!PyDict_Check(by_start)) {
            PyErr_SetString(PyExc_TypeError, "view table rows must be dicts");
            *err = 1;
            return NULL;
        }
        occ = PyDict_GetItemWithError(by_start, pos_obj);
        if (occ == NULL) {
            *err = PyErr_Occurred() != NULL;
            return NULL;
        }
    }
    else if (PyErr_Occurred()) {
        *err = 1;
        return NULL;
    }
    else {
        int sp = PySequence_Contains(special, atom);
        if (sp <= 0) {
            *err = sp < 0;
            return NULL;
        }
        occ = owned = PyObject_CallFunctionObjArgs(occ_fn, view, atoms, atom, pos_obj, NULL);
        if (occ == NULL) {
            *err = 1;
            return NULL;
        }
    }
    PyObject *seq = PySequence_Fast(occ, "occurrences must be a sequence");
    Py_XDECREF(owned);
    if (seq == NULL)
        *err = 1;
    return seq;
}

/* The end of one occurrence, checked to lie in (pos, n_tokens]; -1 on error. */
static Py_ssize_t
occ_end(PyObject *o, Py_ssize_t pos, Py_ssize_t n_tokens)
{
    if (!PyTuple_Check(o) || PyTuple_GET_SIZE(o) < 2) {
        PyErr_SetString(PyExc_TypeError, "occurrence must be (end, payload)");
        return -1;
    }
    Py_ssize_t end = PyLong_AsSsize_t(PyTuple_GET_ITEM(o, 0));
    if (end == -1 && PyErr_Occurred())
        return -1;
    if (end <= pos || end > n_tokens) {
        PyErr_SetString(PyExc_ValueError, "occurrence ends out of range");
        return -1;
    }
    return end;
}

typedef struct {
    PyObject *table, *special, *occ_fn, *view, *atoms;
    Py_ssize_t n_tokens;
} ViewRef;

/* The longest non-empty match of `nfa` from `start` into *best (-1: none); -1 on
 * error. */
static int
nfa_longest(Nfa *nfa, const ViewRef *v, Py_ssize_t start, Py_ssize_t *best)
{
    Py_ssize_t n_tokens = v->n_tokens;
    Py_ssize_t words = nfa->words;
    Py_ssize_t slots = n_tokens - start + 1;
    uint64_t stack_buf[STACK_WORDS];
    uint64_t *agenda = stack_buf;
    if (slots * words > STACK_WORDS) {
        agenda = PyMem_Malloc(slots * words * sizeof(uint64_t));
        if (agenda == NULL) {
            PyErr_NoMemory();
            return -1;
        }
    }
    /* slots [0, hi] are initialised; slot 0 holds the start states */
    Py_ssize_t hi = 0;
    memcpy(agenda, nfa->start, words * sizeof(uint64_t));
    *best = -1;
    int failed = 0;
    for (Py_ssize_t off = 0; off <= hi && !failed; off++) {
        uint64_t *cur = agenda + off * words;
        Py_ssize_t pos = start + off;
        int any = 0;
        for (Py_ssize_t w = 0; w < words; w++)
            any |= cur[w] != 0;
        if (!any)
            continue;
        if (off > 0 && (cur[nfa->accept / 64] >> (nfa->accept % 64) & 1))
            *best = pos;
        PyObject *pos_obj = NULL;
        for (Py_ssize_t w = 0; w < words && !failed; w++) {
            uint64_t bits = cur[w];
            while (bits && !failed) {
                Py_ssize_t st = w * 64 + lowest_bit(bits);
                bits &= bits - 1;
                for (Py_ssize_t t = nfa->trans_off[st]; t < nfa->trans_off[st + 1]; t++) {
                    if (pos_obj == NULL && (pos_obj = PyLong_FromSsize_t(pos)) == NULL) {
                        failed = 1;
                        break;
                    }
                    PyObject *seq = get_occ(v->table, v->special, v->occ_fn, v->view,
                                            v->atoms, nfa->trans_atom[t], pos_obj, &failed);
                    if (seq == NULL) {
                        if (failed)
                            break;
                        continue;
                    }
                    const uint64_t *add = nfa->closure + nfa->trans_target[t] * words;
                    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
                        Py_ssize_t end = occ_end(PySequence_Fast_GET_ITEM(seq, i), pos,
                                                 n_tokens);
                        if (end < 0) {
                            failed = 1;
                            break;
                        }
                        Py_ssize_t slot = end - start;
                        while (hi < slot) {
                            hi++;
                            memset(agenda + hi * words, 0, words * sizeof(uint64_t));
                        }
                        uint64_t *dst = agenda + slot * words;
                        for (Py_ssize_t x = 0; x < words; x++)
                            dst[x] |= add[x];
                    }
                    Py_DECREF(seq);
                    if (failed)
                        break;
                }
            }
        }
        Py_XDECREF(pos_obj);
    }
    if (agenda != stack_buf)
        PyMem_Free(agenda);
    return failed ? -1 : 0;
}

PyDoc_STRVAR(longest_at_doc,
"longest_at(nfa, table, special, occurrences, view, atoms, start, n_tokens) -> int | None\n\n"
"iedsl.patterns.longest_at over a compile_nfa capsule: the end of the longest\n"
"non-empty match starting at token `start`, or None.  `occurrences(view, atoms,\n"
"atom, pos)` is called for atoms in `special` (`_` and negations) only.");

static PyObject *
longest_at(PyObject *self, PyObject *args)
{
    PyObject *capsule;
    ViewRef v;
    Py_ssize_t start, best;
    if (!PyArg_ParseTuple(args, "OO!OOOOnn", &capsule, &PyDict_Type, &v.table, &v.special,
                          &v.occ_fn, &v.view, &v.atoms, &start, &v.n_tokens))
        return NULL;
    Nfa *nfa = PyCapsule_GetPointer(capsule, NFA_CAPSULE);
    if (nfa == NULL)
        return NULL;
    if (start < 0 || v.n_tokens < start) {
        PyErr_SetString(PyExc_ValueError, "start out of range");
        return NULL;
    }
    if (nfa_longest(nfa, &v, start, &best) < 0)
        return NULL;
    if (best < 0)
        Py_RETURN_NONE;
    return PyLong_FromSsize_t(best);
}

static int
cmp_ssize(const void *a, const void *b)
{
    Py_ssize_t x = *(const Py_ssize_t *)a, y = *(const Py_ssize_t *)b;
    return (x > y) - (x < y);
}

PyDoc_STRVAR(find_all_doc,
"find_all(nfa, first, anywhere, shift, table, special, occurrences, view, atoms,\n"
"         n_tokens) -> list[tuple[int, int]]\n\n"
"The leftmost-longest, non-overlapping matches of iedsl.patterns.find_all (after\n"
"its prefilters): candidate starts are the positions `shift` tokens before those\n"
"where an atom of `first` occurs (every position when `anywhere`), each tried\n"
"with longest_at.");

static PyObject *
find_all(PyObject *self, PyObject *args)
{
    PyObject *capsule, *first;
    int anywhere;
    Py_ssize_t shift;
    ViewRef v;
    if (!PyArg_ParseTuple(args, "OO!pnO!OOOOn", &capsule, &PyTuple_Type, &first, &anywhere,
                          &shift, &PyDict_Type, &v.table, &v.special, &v.occ_fn, &v.view,
                          &v.atoms, &v.n_tokens))
        return NULL;
    Nfa *nfa = PyCapsule_GetPointer(capsule, NFA_CAPSULE);
    if (nfa == NULL)
        return NULL;
    if (v.n_tokens < 0 || shift < 0) {
        PyErr_SetString(PyExc_ValueError, "negative token count or shift");
        return NULL;
    }
    Py_ssize_t n = 0, cap = 0;
    Py_ssize_t *starts = NULL;
    if (anywhere) {
        cap = n = v.n_tokens;
        starts = PyMem_Malloc((cap + 1) * sizeof(Py_ssize_t));
        if (starts == NULL)
            return PyErr_NoMemory();
        for (Py_ssize_t i = 0; i < n; i++)
            starts[i] = i;
    }
    else {
        for (Py_ssize_t a = 0; a < PyTuple_GET_SIZE(first); a++) {
            PyObject *by_start = PyDict_GetItemWithError(v.table, PyTuple_GET_ITEM(first, a));
            if (by_start == NULL) {
                if (PyErr_Occurred())
                    goto fail;
                continue;
            }
            if (!PyDict_Check(by_start)) {
                PyErr_SetString(PyExc_TypeError, "view table rows must be dicts");
                goto fail;
            }
            Py_ssize_t need = n + PyDict_GET_SIZE(by_start);
            if (need > cap) {
                Py_ssize_t *grown = PyMem_Realloc(starts, (need * 2 + 8) * sizeof(Py_ssize_t));
                if (grown == NULL) {
                    PyErr_NoMemory();
                    goto fail;
                }
                starts = grown;
                cap = need * 2 + 8;
            }
            Py_ssize_t it = 0;
            PyObject *key, *val;
            while (PyDict_Next(by_start, &it, &key, &val)) {
                Py_ssize_t s = PyLong_AsSsize_t(key);
                if (s == -1 && PyErr_Occurred())
                    goto fail;
                if (s >= shift)
                    starts[n++] = s - shift;
            }
        }
        if (n > 1)
            qsort(starts, n, sizeof(Py_ssize_t), cmp_ssize);
    }
    PyObject *out = PyList_New(0);
    if (out == NULL)
        goto fail;
    Py_ssize_t last = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t s = starts[k], best;
        if (s < last || (k > 0 && s == starts[k - 1]))
            continue;
        if (s < 0 || s > v.n_tokens) {
            PyErr_SetString(PyExc_ValueError, "start out of range");
            Py_DECREF(out);
            goto fail;
        }
        if (nfa_longest(nfa, &v, s, &best) < 0) {
            Py_DECREF(out);
            goto fail;
        }
        if (best < 0)
            continue;
        PyObject *span = Py_BuildValue("(nn)", s, best);
        if (span == NULL || PyList_Append(out, span) < 0) {
            Py_XDECREF(span);
            Py_DECREF(out);
            goto fail;
        }
        Py_DECREF(span);
        last = best;
    }
    PyMem_Free(starts);
    return out;
fail:
    PyMem_Free(starts);
    return NULL;
}

/* ------------------------------------------------------------------ parsing a match
 * iedsl.patterns.parse_match: the first parse, in the order the pattern is written,
 * that ends at `end`.  The Python version enumerates parses with nested generators;
 * here the same depth-first search runs with explicit continuations, visiting the
 * nodes in the same order, so the node-visit count (the step limit) is the same.
 * Past the step limit, or too deep for the C stack, the search gives up and the
 * caller runs the Python version, which defines what happens then.
 */
enum { N_ATOM, N_SEQ, N_ALT, N_REP, N_CAP };

typedef struct {
    int kind;
    PyObject *atom;           /* N_ATOM: the atom index; N_CAP: the capture name */
    Py_ssize_t min, max;      /* N_REP; max -1 for no limit */
    Py_ssize_t first, count;  /* children: kids[first:first + count] */
} TNode;

typedef struct {
    Py_ssize_t n_nodes, n_kids;
    TNode *nodes;
    Py_ssize_t *kids;
} Tree;

static const char *TREE_CAPSULE = "iedsl._speedups.Tree";

static void
tree_free(Tree *t)
{
    if (t == NULL)
        return;
    if (t->nodes != NULL) {
        for (Py_ssize_t i = 0; i < t->n_nodes; i++)
            Py_XDECREF(t->nodes[i].atom);
    }
    PyMem_Free(t->nodes);
    PyMem_Free(t->kids);
    PyMem_Free(t);
}

static void
tree_capsule_free(PyObject *capsule)
{
    tree_free((Tree *)PyCapsule_GetPointer(capsule, TREE_CAPSULE));
}

PyDoc_STRVAR(compile_tree_doc,
"compile_tree(nodes) -> capsule\n\n"
"The C form of a pattern tree for parse_match.  `nodes` lists the nodes with the\n"
"root first, each as (kind, value, min, max, children): kind 0 atom (value: the\n"
"atom index), 1 sequence, 2 alternation, 3 repetition (max -1: unbounded), 4\n"
"capture (value: its name); children are indices into `nodes`.");

static PyObject *
compile_tree(PyObject *self, PyObject *args)
{
    PyObject *nodes;
    if (!PyArg_ParseTuple(args, "O!", &PyTuple_Type, &nodes))
        return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(nodes);
    if (n == 0) {
        PyErr_SetString(PyExc_ValueError, "empty tree");
        return NULL;
    }
    Tree *t = PyMem_Calloc(1, sizeof(Tree));
    if (t == NULL)
        return PyErr_NoMemory();
    Py_ssize_t n_kids = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *row = PyTuple_GET_ITEM(nodes, i);
        if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) != 5 ||
                !PyTuple_Check(PyTuple_GET_ITEM(row, 4))) {
            PyErr_SetString(PyExc_TypeError, "tree node must be (kind, value, min, max, kids)");
            goto fail;
        }
        n_kids += PyTuple_GET_SIZE(PyTuple_GET_ITEM(row, 4));
    }
    t->nodes = PyMem_Calloc(n, sizeof(TNode));
    t->kids = PyMem_Calloc(n_kids + 1, sizeof(Py_ssize_t));
    if (t->nodes == NULL || t->kids == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    t->n_nodes = n;
    t->n_kids = n_kids;
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *row = PyTuple_GET_ITEM(nodes, i);
        TNode *nd = &t->nodes[i];
        long kind = PyLong_AsLong(PyTuple_GET_ITEM(row, 0));
        nd->min = PyLong_AsSsize_t(PyTuple_GET_ITEM(row, 2));
        nd->max = PyLong_AsSsize_t(PyTuple_GET_ITEM(row, 3));
        if (PyErr_Occurred())
            goto fail;
        if (kind < N_ATOM || kind > N_CAP || nd->min < 0 || nd->max < -1) {
            PyErr_SetString(PyExc_ValueError, "bad tree node");
            goto fail;
        }
        nd->kind = (int)kind;
        nd->atom = Py_NewRef(PyTuple_GET_ITEM(row, 1));
        PyObject *kids = PyTuple_GET_ITEM(row, 4);
        nd->first = k;
        nd->count = PyTuple_GET_SIZE(kids);
        int want = kind == N_ATOM ? 0 : (kind == N_REP || kind == N_CAP) ? 1 : -1;
        if ((want >= 0 && nd->count != want)) {
            PyErr_SetString(PyExc_ValueError, "wrong number of children");
            goto fail;
        }
        for (Py_ssize_t c = 0; c < nd->count; c++, k++) {
            Py_ssize_t kid = PyLong_AsSsize_t(PyTuple_GET_ITEM(kids, c));
            if (kid <= i || kid >= n) {   /* children come after their parent: no cycles */
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_ValueError, "child index out of range");
                goto fail;
            }
            t->kids[k] = kid;
        }
    }
    PyObject *capsule = PyCapsule_New(t, TREE_CAPSULE, tree_capsule_free);
    if (capsule == NULL)
        goto fail;
    return capsule;
fail:
    tree_free(t);
    return NULL;
}

enum { K_END, K_SEQ, K_CAP, K_REP };

typedef struct Cont {
    int kind;
    Py_ssize_t node, aux, count;
    const struct Cont *next;
} Cont;

typedef struct {
    PyObject *atom, *payload;  /* borrowed: alive while the search runs */
    Py_ssize_t start, end;
} Piece;

typedef struct {
    PyObject *name;
    Py_ssize_t start, end;
} Capture;

#define PARSE_MAX_DEPTH 1000    /* p_run frames: well under a thread's C stack */
#define PARSE_ABORT 2         /* step limit or depth: the caller runs the Python search */

typedef struct {
    const Tree *tree;
    ViewRef v;
    Py_ssize_t end, steps, limit, depth;
    Piece *pieces;
    Py_ssize_t n_pieces, cap_pieces;
    Capture *caps;
    Py_ssize_t n_caps, cap_caps;
    PyObject *held;           /* list keeping owned occurrence sequences alive */
} Parser;

static int p_run(Parser *p, Py_ssize_t node, Py_ssize_t i, const Cont *k);

/* Go on from position i with continuation k: 1 found, 0 not, -1 error, 2 abort. */
static int
p_cont(Parser *p, Py_ssize_t i, const Cont *k)
{
    const TNode *nd;
    switch (k->kind) {
    case K_END:
        return i == p->end;
    case K_SEQ:
        nd = &p->tree->nodes[k->node];
        if (k->aux == nd->count)
            return p_cont(p, i, k->next);
        {
            Cont c = {K_SEQ, k->node, k->aux + 1, 0, k->next};
            return p_run(p, p->tree->kids[nd->first + k->aux], i, &c);
        }
    case K_CAP:
        p->caps[k->aux].end = i;
        return p_cont(p, i, k->next);
    default: {   /* K_REP: one more repetition of k->node ended at i, from k->aux */
        nd = &p->tree->nodes[k->node];
        if (i == k->aux && k->count >= nd->min)
            return 0;   /* an empty repetition is only needed to reach the minimum */
        Py_ssize_t count = k->count + 1;
        if (nd->max < 0 || count < nd->max) {
            Cont c = {K_REP, k->node, i, count, k->next};
            int r = p_run(p, p->tree->kids[nd->first], i, &c);
            if (r != 0)
                return r;
        }
        return count >= nd->min ? p_cont(p, i, k->next) : 0;
    }
    }
}

static int
p_run(Parser *p, Py_ssize_t node, Py_ssize_t i, const Cont *k)
{
    if (++p->steps > p->limit || p->depth >= PARSE_MAX_DEPTH)
        return PARSE_ABORT;
    const TNode *nd = &p->tree->nodes[node];
    int r = 0;
    p->depth++;
    switch (nd->kind) {
    case N_ATOM: {
        PyObject *pos_obj = PyLong_FromSsize_t(i);
        if (pos_obj == NULL) {
            r = -1;
            break;
        }
        int err = 0;
        PyObject *seq = get_occ(p->v.table, p->v.special, p->v.occ_fn, p->v.view,
                                p->v.atoms, nd->atom, pos_obj, &err);
        Py_DECREF(pos_obj);
        if (seq == NULL) {
            r = err ? -1 : 0;
            break;
        }
        /* the sequence is kept until the search ends: its payloads are in pieces */
        if (PyList_Append(p->held, seq) < 0) {
            Py_DECREF(seq);
            r = -1;
            break;
        }
        Py_DECREF(seq);
        for (Py_ssize_t x = 0; x < PySequence_Fast_GET_SIZE(seq) && r == 0; x++) {
            PyObject *o = PySequence_Fast_GET_ITEM(seq, x);
            Py_ssize_t j = occ_end(o, i, p->v.n_tokens);
            if (j < 0) {
                r = -1;
                break;
            }
            if (j > p->end)
                continue;
            if (p->n_pieces == p->cap_pieces) {
                Py_ssize_t grown = p->cap_pieces * 2 + 16;
                Piece *np = PyMem_Realloc(p->pieces, grown * sizeof(Piece));
                if (np == NULL) {
                    PyErr_NoMemory();
                    r = -1;
                    break;
                }
                p->pieces = np;
                p->cap_pieces = grown;
            }
            Piece *pc = &p->pieces[p->n_pieces++];
            pc->atom = nd->atom;
            pc->payload = PyTuple_GET_ITEM(o, 1);
            pc->start = i;
            pc->end = j;
            r = p_cont(p, j, k);
            if (r == 0)
                p->n_pieces--;
        }
        break;
    }
    case N_CAP: {
        if (p->n_caps == p->cap_caps) {
            Py_ssize_t grown = p->cap_caps * 2 + 8;
            Capture *nc = PyMem_Realloc(p->caps, grown * sizeof(Capture));
            if (nc == NULL) {
                PyErr_NoMemory();
                r = -1;
                break;
            }
            p->caps = nc;
            p->cap_caps = grown;
        }
        Py_ssize_t slot = p->n_caps++;
        p->caps[slot].name = nd->atom;
        p->caps[slot].start = i;
        p->caps[slot].end = i;
        Cont c = {K_CAP, node, slot, 0, k};
        r = p_run(p, p->tree->kids[nd->first], i, &c);
        if (r == 0)
            p->n_caps = slot;
        break;
    }
    case N_ALT:
        for (Py_ssize_t o = 0; o < nd->count && r == 0; o++)
            r = p_run(p, p->tree->kids[nd->first + o], i, k);
        break;
    case N_SEQ:
        if (nd->count == 0)
            r = p_cont(p, i, k);
        else {
            Cont c = {K_SEQ, node, 1, 0, k};
            r = p_run(p, p->tree->kids[nd->first], i, &c);
        }
        break;
    default:   /* N_REP, from its first repetition */
        if (nd->max != 0) {
            Cont c = {K_REP, node, i, 0, k};
            r = p_run(p, p->tree->kids[nd->first], i, &c);
        }
        if (r == 0 && nd->min == 0)
            r = p_cont(p, i, k);
        break;
    }
    p->depth--;
    return r;
}

PyDoc_STRVAR(parse_match_doc,
"parse_match(tree, table, special, occurrences, view, atoms, start, end, n_tokens,\n"
"            step_limit) -> (pieces, captures) | None | False\n\n"
"iedsl.patterns.parse_match over a compile_tree capsule: the pieces and captures\n"
"of the first parse ending at `end`, None when there is none, False when the\n"
"search gave up (step limit or depth) and the Python search must decide.");

static PyObject *
parse_match(PyObject *self, PyObject *args)
{
    PyObject *capsule;
    Parser p;
    memset(&p, 0, sizeof(p));
    Py_ssize_t start;
    if (!PyArg_ParseTuple(args, "OO!OOOOnnnn", &capsule, &PyDict_Type, &p.v.table,
                          &p.v.special, &p.v.occ_fn, &p.v.view, &p.v.atoms, &start, &p.end,
                          &p.v.n_tokens, &p.limit))
        return NULL;
    p.tree = PyCapsule_GetPointer(capsule, TREE_CAPSULE);
    if (p.tree == NULL)
        return NULL;
    if (start < 0 || p.end < start || p.v.n_tokens < p.end) {
        PyErr_SetString(PyExc_ValueError, "span out of range");
        return NULL;
    }
    p.held = PyList_New(0);
    if (p.held == NULL)
        return NULL;
    Cont done = {K_END, 0, 0, 0, NULL};
    int r = p_run(&p, 0, start, &done);
    PyObject *out = NULL;
    if (r == 1) {
        PyObject *pieces = PyTuple_New(p.n_pieces);
        PyObject *caps = pieces == NULL ? NULL : PyTuple_New(p.n_caps);
        if (caps != NULL) {
            for (Py_ssize_t x = 0; x < p.n_pieces; x++) {
                Piece *pc = &p.pieces[x];
                PyObject *t = Py_BuildValue("(OnnO)", pc->atom, pc->start, pc->end,
                                            pc->payload);
                if (t == NULL)
                    goto built;
                PyTuple_SET_ITEM(pieces, x, t);
            }
            for (Py_ssize_t x = 0; x < p.n_caps; x++) {
                Capture *c = &p.caps[x];
                PyObject *t = Py_BuildValue("(Onn)", c->name, c->start, c->end);
                if (t == NULL)
                    goto built;
                PyTuple_SET_ITEM(caps, x, t);
            }
            out = PyTuple_Pack(2, pieces, caps);
        }
    built:
        Py_XDECREF(pieces);
        Py_XDECREF(caps);
    }
    else if (r == 0)
        out = Py_NewRef(Py_None);
    else if (r == PARSE_ABORT)
        out = Py_NewRef(Py_False);
    Py_DECREF(p.held);
    PyMem_Free(p.pieces);
    PyMem_Free(p.caps);
    return out;
}

PyDoc_STRVAR(bucket_hits_doc,
"bucket_hits(hits, starts, ends, gate) -> (buckets, gated)\n\n"
"iedsl.engine.bucket_hits_python: each hit goes to the sentence it starts in (the\n"
"last of `starts` at or before it) when it ends inside that sentence; `gated` lists,\n"
"in increasing order, the sentences holding a hit whose atom is in `gate`.");

static PyObject *
bucket_hits(PyObject *self, PyObject *args)
{
    PyObject *hits, *starts_obj, *ends_obj, *gate;
    if (!PyArg_ParseTuple(args, "O!O!O!O", &PyList_Type, &hits, &PyList_Type, &starts_obj,
                          &PyList_Type, &ends_obj, &gate))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(starts_obj);
    if (PyList_GET_SIZE(ends_obj) != n) {
        PyErr_SetString(PyExc_ValueError, "starts and ends differ in length");
        return NULL;
    }
    Py_ssize_t *starts = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));
    Py_ssize_t *ends = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));
    char *is_gated = PyMem_Calloc(n + 1, 1);
    PyObject *buckets = PyList_New(n);
    if (starts == NULL || ends == NULL || is_gated == NULL || buckets == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        starts[i] = PyLong_AsSsize_t(PyList_GET_ITEM(starts_obj, i));
        ends[i] = PyLong_AsSsize_t(PyList_GET_ITEM(ends_obj, i));
        if (PyErr_Occurred())
            goto fail;
        if (i > 0 && starts[i] < starts[i - 1]) {
            PyErr_SetString(PyExc_ValueError, "sentence starts must be sorted");
            goto fail;
        }
        PyObject *b = PyList_New(0);
        if (b == NULL)
            goto fail;
        PyList_SET_ITEM(buckets, i, b);
    }
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(hits); k++) {
        PyObject *h = PyList_GET_ITEM(hits, k);
        if (!PyTuple_Check(h) || PyTuple_GET_SIZE(h) < 3) {
            PyErr_SetString(PyExc_TypeError, "a hit must be a tuple (start, end, atom, ...)");
            goto fail;
        }
        Py_ssize_t hs = PyLong_AsSsize_t(PyTuple_GET_ITEM(h, 0));
        Py_ssize_t he = PyLong_AsSsize_t(PyTuple_GET_ITEM(h, 1));
        if (PyErr_Occurred())
            goto fail;
        /* bisect_right(starts, hs) - 1 */
        Py_ssize_t lo = 0, hi = n;
        while (lo < hi) {
            Py_ssize_t mid = (lo + hi) / 2;
            if (hs < starts[mid])
                hi = mid;
            else
                lo = mid + 1;
        }
        Py_ssize_t i = lo - 1;
        if (i < 0 || he > ends[i])
            continue;
        if (PyList_Append(PyList_GET_ITEM(buckets, i), h) < 0)
            goto fail;
        if (!is_gated[i]) {
            int in = PySequence_Contains(gate, PyTuple_GET_ITEM(h, 2));
            if (in < 0)
                goto fail;
            is_gated[i] = (char)in;
        }
    }
    PyObject *gated = PyList_New(0);
    if (gated == NULL)
        goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!is_gated[i])
            continue;
        PyObject *x = PyLong_FromSsize_t(i);
        if (x == NULL || PyList_Append(gated, x) < 0) {
            Py_XDECREF(x);
            Py_DECREF(gated);
            goto fail;
        }
        Py_DECREF(x);
    }
    PyMem_Free(starts);
    PyMem_Free(ends);
    PyMem_Free(is_gated);
    PyObject *out = PyTuple_Pack(2, buckets, gated);
    Py_DECREF(buckets);
    Py_DECREF(gated);
    return out;
fail:
    PyMem_Free(starts);
    PyMem_Free(ends);
    PyMem_Free(is_gated);
    Py_XDECREF(buckets);
    return NULL;
}

static PyMethodDef methods[] = {
    {"compile_nfa", compile_nfa, METH_VARARGS, compile_nfa_doc},
    {"longest_at", longest_at, METH_VARARGS, longest_at_doc},
    {"find_all", find_all, METH_VARARGS, find_all_doc},
    {"bucket_hits", bucket_hits, METH_VARARGS, bucket_hits_doc},
    {"compile_tree", compile_tree, METH_VARARGS, compile_tree_doc},
    {"parse_match", parse_match, METH_VARARGS, parse_match_doc},
    {"chain_mentions", chain_mentions, METH_VARARGS, chain_mentions_doc},
    {"lexicon_hits", lexicon_hits, METH_VARARGS, lexicon_hits_doc},
    {"scan_hits", scan_hits, METH_VARARGS, scan_hits_doc},
    {"fold_chars", fold_chars, METH_VARARGS, fold_chars_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "iedsl._speedups",
    "Optional C versions of iedsl's per-hit loops (see iedsl/lexicon.py).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModule_Create(&module);
}
