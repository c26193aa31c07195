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

PyDoc_STRVAR(longest_at_doc,
"longest_at(nfa, table, special, occurrences, view, atoms, start, n_tokens) -> int | None\n\n"
"iedsl.patterns.longest_at over a compile_nfa capsule: the end of the longest\n"
"non-empty match starting at token `start`, or None.  `occurrences(view, atoms,\n"
"atom, pos)` is called for atoms in `special` (`_` and negations) only.");

static PyObject *
longest_at(PyObject *self, PyObject *args)
{
    PyObject *capsule, *table, *special, *occ_fn, *view, *atoms;
    Py_ssize_t start, n_tokens;
    if (!PyArg_ParseTuple(args, "OO!OOOOnn", &capsule, &PyDict_Type, &table, &special,
                          &occ_fn, &view, &atoms, &start, &n_tokens))
        return NULL;
    Nfa *nfa = PyCapsule_GetPointer(capsule, NFA_CAPSULE);
    if (nfa == NULL)
        return NULL;
    if (start < 0 || n_tokens < start) {
        PyErr_SetString(PyExc_ValueError, "start out of range");
        return NULL;
    }
    Py_ssize_t words = nfa->words;
    Py_ssize_t slots = n_tokens - start + 1;
    uint64_t stack_buf[STACK_WORDS];
    uint64_t *agenda = stack_buf;
    if (slots * words > STACK_WORDS) {
        agenda = PyMem_Malloc(slots * words * sizeof(uint64_t));
        if (agenda == NULL)
            return PyErr_NoMemory();
    }
    /* slots [0, hi] are initialised; slot 0 holds the start states */
    Py_ssize_t hi = 0;
    memcpy(agenda, nfa->start, words * sizeof(uint64_t));
    Py_ssize_t best = -1;
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
            best = pos;
        PyObject *pos_obj = NULL;
        for (Py_ssize_t w = 0; w < words && !failed; w++) {
            uint64_t bits = cur[w];
            while (bits && !failed) {
                Py_ssize_t st = w * 64 + lowest_bit(bits);
                bits &= bits - 1;
                for (Py_ssize_t t = nfa->trans_off[st]; t < nfa->trans_off[st + 1]; t++) {
                    PyObject *atom = nfa->trans_atom[t];
                    if (pos_obj == NULL && (pos_obj = PyLong_FromSsize_t(pos)) == NULL) {
                        failed = 1;
                        break;
                    }
                    PyObject *occ, *owned = NULL;
                    PyObject *by_start = PyDict_GetItemWithError(table, atom);
                    if (by_start != NULL) {
                        if (!PyDict_Check(by_start)) {
                            PyErr_SetString(PyExc_TypeError, "view table rows must be dicts");
                            failed = 1;
                            break;
                        }
                        occ = PyDict_GetItemWithError(by_start, pos_obj);
                        if (occ == NULL) {
                            if (PyErr_Occurred()) {
                                failed = 1;
                                break;
                            }
                            continue;
                        }
                    }
                    else if (PyErr_Occurred()) {
                        failed = 1;
                        break;
                    }
                    else {
                        int sp = PySequence_Contains(special, atom);
                        if (sp < 0) {
                            failed = 1;
                            break;
                        }
                        if (!sp)
                            continue;
                        occ = owned = PyObject_CallFunctionObjArgs(occ_fn, view, atoms, atom,
                                                                   pos_obj, NULL);
                        if (occ == NULL) {
                            failed = 1;
                            break;
                        }
                    }
                    PyObject *seq = PySequence_Fast(occ, "occurrences must be a sequence");
                    Py_XDECREF(owned);
                    if (seq == NULL) {
                        failed = 1;
                        break;
                    }
                    const uint64_t *add = nfa->closure + nfa->trans_target[t] * words;
                    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
                        PyObject *o = PySequence_Fast_GET_ITEM(seq, i);
                        if (!PyTuple_Check(o) || PyTuple_GET_SIZE(o) < 1) {
                            PyErr_SetString(PyExc_TypeError, "occurrence must be (end, payload)");
                            failed = 1;
                            break;
                        }
                        Py_ssize_t end = PyLong_AsSsize_t(PyTuple_GET_ITEM(o, 0));
                        if (end == -1 && PyErr_Occurred()) {
                            failed = 1;
                            break;
                        }
                        if (end <= pos || end > n_tokens) {
                            PyErr_SetString(PyExc_ValueError, "occurrence ends out of range");
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
    if (failed)
        return NULL;
    if (best < 0)
        Py_RETURN_NONE;
    return PyLong_FromSsize_t(best);
}

static PyMethodDef methods[] = {
    {"compile_nfa", compile_nfa, METH_VARARGS, compile_nfa_doc},
    {"longest_at", longest_at, METH_VARARGS, longest_at_doc},
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
