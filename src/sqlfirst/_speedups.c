/*
 * sqlfirst._speedups: rows -> Pydantic model instances, in C.
 *
 * The optional accelerator behind sqlfirst.rows.RowFactory. It does exactly what the generated
 * Python loop does, without the interpreter: for each row (an asyncpg Record or a tuple) it checks
 * every value against its field's check (sqlfirst.trust: the value's exact class, an enum label,
 * a finite Decimal, native JSON, ...), copies a template dict of the field names in the model's
 * field order, fills in the values (enum labels through their label -> member dict), allocates the
 * instance without calling __init__, and sets __dict__ and Pydantic's three slots
 * (__pydantic_fields_set__, __pydantic_extra__ = None, __pydantic_private__ = None), just as
 * BaseModel.model_construct does.
 *
 * A value that fails its check raises Fallback (KeyError or TypeError from an enum map are turned
 * into it too); the Python side then lets Pydantic validate the rows, so the result is always what
 * validation gives. Only public C API is used, but for one thing: on CPython 3.11 and 3.12 the copied
 * dict's values are written by position (the layout of its entries is mirrored below and checked on
 * a real copy when a builder is made), which saves a hash lookup and an insert per value.
 */
#include "_speedups.h"

/* Writing a copied dict's values in place, without a lookup per key: CPython 3.11 and 3.12 lay out
 * a dict's keys object as below (Include/internal/pycore_dict.h, the same in both). An extension
 * cannot include that header without building as the core, so the layout is mirrored, only for
 * those versions, and checked at run time on a real copy before it is used (direct_layout). On any
 * other version every value is set with PyDict_SetItem, which gives the same dict. */
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030D0000 && !defined(Py_LIMITED_API)
#define SQLFIRST_DIRECT_DICT 1
typedef struct {
    Py_ssize_t dk_refcnt;
    uint8_t dk_log2_size;
    uint8_t dk_log2_index_bytes;
    uint8_t dk_kind; /* 0: general (hashed entries); 1 unicode, 2 split: key-value entries */
    uint32_t dk_version;
    Py_ssize_t dk_usable;
    Py_ssize_t dk_nentries;
    char dk_indices[];
} MirrorKeys;

typedef struct {
    PyObject *me_key;
    PyObject *me_value;
} MirrorUnicodeEntry;

static MirrorUnicodeEntry *
unicode_entries(PyObject *dict)
{
    MirrorKeys *keys = (MirrorKeys *)((PyDictObject *)dict)->ma_keys;
    return (MirrorUnicodeEntry *)&keys->dk_indices[(size_t)1 << keys->dk_log2_index_bytes];
}
#endif

#ifdef SQLFIRST_DIRECT_DICT
/* Entry i of a fresh copy of template holds key i, in a combined table of str keys: then, and only
 * then, a copy's values may be written by position. Checked once, on a real copy. */
static int
direct_layout(PyObject *template, PyObject *keys)
{
    PyDictObject *copy = (PyDictObject *)PyDict_Copy(template);
    if (copy == NULL) {
        PyErr_Clear();
        return 0;
    }
    MirrorKeys *layout = (MirrorKeys *)copy->ma_keys;
    int ok = copy->ma_values == NULL && layout->dk_kind == 1 && layout->dk_refcnt == 1 &&
             layout->dk_nentries == PyTuple_GET_SIZE(keys) && copy->ma_used == PyTuple_GET_SIZE(keys);
    if (ok) {
        MirrorUnicodeEntry *entries = unicode_entries((PyObject *)copy);
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(keys); i++) {
            if (entries[i].me_key != PyTuple_GET_ITEM(keys, i) || entries[i].me_value == NULL) {
                ok = 0;
                break;
            }
        }
    }
    Py_DECREF(copy);
    return ok;
}
#endif
#include <descrobject.h>
#include <stddef.h>
#include <structmember.h>

enum { K_ANY = 0, K_EXACT = 1, K_MAP = 2, K_DECIMAL = 3, K_JSON = 4, K_LIST = 5, K_DICT = 6 };
#define JSON_MAX_DEPTH 200
#define Fallback sqlfirst_Fallback
#define RowBuilderType sqlfirst_RowBuilderType

PyObject *sqlfirst_Fallback;
static PyObject *is_finite_name;

static int
builder_traverse(RowBuilder *self, visitproc visit, void *arg)
{
    Py_VISIT(self->cls);
    Py_VISIT(self->keys);
    Py_VISIT(self->args);
    /* Not self->template: a dict of str keys and None joins no cycle, and it must stay out of
     * Python's reach (gc.get_referents), since rows' dicts are written by its layout. */
    Py_VISIT(self->fields_set);
    Py_VISIT(self->setters);
    return 0;
}

static int
builder_clear(RowBuilder *self)
{
    Py_CLEAR(self->cls);
    Py_CLEAR(self->keys);
    Py_CLEAR(self->args);
    Py_CLEAR(self->template);
    Py_CLEAR(self->fields_set);
    Py_CLEAR(self->setters);
    return 0;
}

static void
builder_dealloc(RowBuilder *self)
{
    PyObject_GC_UnTrack(self);
    builder_clear(self);
    PyMem_Free(self->specs);
    self->specs = NULL;
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
is_type_tuple(PyObject *arg)
{
    if (!PyTuple_CheckExact(arg) || PyTuple_GET_SIZE(arg) == 0) {
        return 0;
    }
    for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(arg); j++) {
        if (!PyType_Check(PyTuple_GET_ITEM(arg, j))) {
            return 0;
        }
    }
    return 1;
}

/* Every field is set here, once: a builder never changes after it is made, so Python code that runs
 * while rows are built (a row's __getitem__, a map key's __eq__) cannot pull anything from under it. */
static PyObject *
builder_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"cls", "keys", "columns", "kinds", "args", "nullables", "ncolumns",
                             "fields_set", "copy_fields_set", "setters", "by_position", NULL};
    PyObject *cls, *keys, *columns, *kinds, *checks, *nullables, *fields_set, *setters;
    Py_ssize_t ncolumns;
    int copy_fields_set;
    int by_position = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!O!O!O!O!nO!pO!|$p:RowBuilder", kwlist, &PyType_Type,
                                     &cls, &PyTuple_Type, &keys, &PyTuple_Type, &columns, &PyTuple_Type,
                                     &kinds, &PyTuple_Type, &checks, &PyTuple_Type, &nullables, &ncolumns,
                                     &PySet_Type, &fields_set, &copy_fields_set, &PyTuple_Type, &setters,
                                     &by_position)) {
        return NULL;
    }
    PyTypeObject *tp = (PyTypeObject *)cls;
    /* Instances are allocated directly (tp_alloc) and given a plain __dict__: only for classes whose
     * __new__ is object.__new__ and whose attributes live in that dict. On 3.13+ a class may keep its
     * attributes inline instead (Pydantic's BaseModel does not: its __slots__ turn that off). */
    if (tp->tp_new != PyBaseObject_Type.tp_new || tp->tp_alloc == NULL ||
        PyType_HasFeature(tp, Py_TPFLAGS_IS_ABSTRACT) || tp->tp_dictoffset == 0
#ifdef Py_TPFLAGS_INLINE_VALUES
        || PyType_HasFeature(tp, Py_TPFLAGS_INLINE_VALUES)
#endif
    ) {
        PyErr_Format(PyExc_TypeError, "%R: instances need object.__new__ and a __dict__", cls);
        return NULL;
    }
    Py_ssize_t size = PyTuple_GET_SIZE(keys);
    if (PyTuple_GET_SIZE(columns) != size || PyTuple_GET_SIZE(kinds) != size ||
        PyTuple_GET_SIZE(checks) != size || PyTuple_GET_SIZE(nullables) != size) {
        PyErr_SetString(PyExc_ValueError, "keys, columns, kinds, args and nullables differ in length");
        return NULL;
    }
    if (ncolumns < size) {
        PyErr_SetString(PyExc_ValueError, "fewer columns than fields");
        return NULL;
    }
    if (PyTuple_GET_SIZE(setters) != 3) {
        PyErr_SetString(PyExc_ValueError, "setters: the three slot descriptors");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < 3; i++) {
        /* Member (slot) descriptors of a base of cls: setting them runs no Python code. */
        PyObject *descr = PyTuple_GET_ITEM(setters, i);
        if (!Py_IS_TYPE(descr, &PyMemberDescr_Type) || !PyType_IsSubtype(tp, PyDescr_TYPE(descr))) {
            PyErr_Format(PyExc_TypeError, "setters must be slot descriptors of a base of %R", cls);
            return NULL;
        }
    }
    FieldSpec *specs = PyMem_Calloc(size ? size : 1, sizeof(FieldSpec));
    if (specs == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    PyObject *template = PyDict_New();
    if (template == NULL) {
        goto fail_specs;
    }
    for (Py_ssize_t i = 0; i < size; i++) {
        PyObject *key = PyTuple_GET_ITEM(keys, i);
        if (!PyUnicode_CheckExact(key)) {
            PyErr_SetString(PyExc_TypeError, "keys must be str");
            goto fail;
        }
        if (PyDict_SetItem(template, key, Py_None) < 0) {
            goto fail;
        }
        Py_ssize_t column = PyLong_AsSsize_t(PyTuple_GET_ITEM(columns, i));
        long kind = PyLong_AsLong(PyTuple_GET_ITEM(kinds, i));
        int nullable = PyObject_IsTrue(PyTuple_GET_ITEM(nullables, i));
        if (PyErr_Occurred() || nullable < 0) {
            goto fail;
        }
        if (column < 0 || column >= ncolumns) {
            PyErr_SetString(PyExc_ValueError, "a column index is out of range");
            goto fail;
        }
        PyObject *arg = PyTuple_GET_ITEM(checks, i);
        int ok;
        switch (kind) {
        case K_ANY: ok = 1; break;
        case K_EXACT: ok = is_type_tuple(arg); break;
        case K_MAP: ok = PyDict_CheckExact(arg); break;
        case K_DECIMAL: ok = PyType_Check(arg); break;
        case K_JSON: ok = arg == Py_None || arg == (PyObject *)&PyDict_Type || arg == (PyObject *)&PyList_Type; break;
        case K_LIST:
            ok = PyTuple_CheckExact(arg) && PyTuple_GET_SIZE(arg) == 2 && is_type_tuple(PyTuple_GET_ITEM(arg, 0));
            break;
        case K_DICT: ok = 1; break;
        default: ok = 0;
        }
        if (!ok) {
            PyErr_Format(PyExc_ValueError, "field %R: bad check (kind %ld)", key, kind);
            goto fail;
        }
        specs[i].column = column;
        specs[i].kind = (int)kind;
        specs[i].nullable = nullable;
        specs[i].arg = arg;
        if (kind == K_LIST) {
            int items_nullable = PyObject_IsTrue(PyTuple_GET_ITEM(arg, 1));
            if (items_nullable < 0) {
                goto fail;
            }
        }
    }
    if (PyDict_GET_SIZE(template) != size) {
        PyErr_SetString(PyExc_ValueError, "keys must be distinct");
        goto fail;
    }
    RowBuilder *self = (RowBuilder *)type->tp_alloc(type, 0);
    if (self == NULL) {
        goto fail;
    }
    self->cls = (PyTypeObject *)Py_NewRef(cls);
    self->keys = Py_NewRef(keys);
    self->args = Py_NewRef(checks);
    self->template = template;
    self->fields_set = Py_NewRef(fields_set);
    self->setters = Py_NewRef(setters);
    self->specs = specs;
    self->size = size;
    self->ncolumns = ncolumns;
    self->copy_fields_set = copy_fields_set;
    /* A fresh instance from tp_alloc has NULL in its slots, so where a slot is a writable
     * T_OBJECT_EX member it is stored at its offset; what setting it through its descriptor checks
     * holds by construction (checked above: the descriptors belong to a base of cls). Anything else
     * goes through the descriptor. (__dict__ still goes through PyObject_GenericSetDict: Pydantic's
     * __dict__ slot makes CPython manage it, at no fixed offset.) */
    for (Py_ssize_t i = 0; i < 3; i++) {
        PyMemberDef *member = ((PyMemberDescrObject *)PyTuple_GET_ITEM(setters, i))->d_member;
        self->slot_offsets[i] = by_position && member->type == T_OBJECT_EX && !(member->flags & READONLY) &&
                                        member->offset > 0
                                    ? member->offset
                                    : 0;
    }
#ifdef SQLFIRST_DIRECT_DICT
    self->direct = by_position && direct_layout(template, keys);
#else
    (void)by_position;
    self->direct = 0;
#endif
    return (PyObject *)self;

fail:
    Py_XDECREF(template);
fail_specs:
    PyMem_Free(specs);
    return NULL;
}

static int
set_slot(PyObject *descr, PyObject *obj, PyObject *value)
{
    return Py_TYPE(descr)->tp_descr_set(descr, obj, value);
}

static int
exact_in(PyObject *value, PyObject *types)
{
    PyTypeObject *tp = Py_TYPE(value);
    for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(types); j++) {
        if ((PyObject *)tp == PyTuple_GET_ITEM(types, j)) {
            return 1;
        }
    }
    return 0;
}

/* 1 when value is made only of exact JSON-native objects (no Python code runs here). */
static int
json_native(PyObject *value, int depth)
{
    if (value == Py_None || PyBool_Check(value) || PyUnicode_CheckExact(value) || PyLong_CheckExact(value) ||
        PyFloat_CheckExact(value)) {
        return 1;
    }
    if (depth >= JSON_MAX_DEPTH) {
        return 0;
    }
    if (PyList_CheckExact(value)) {
        for (Py_ssize_t j = 0; j < PyList_GET_SIZE(value); j++) {
            if (!json_native(PyList_GET_ITEM(value, j), depth + 1)) {
                return 0;
            }
        }
        return 1;
    }
    if (PyDict_CheckExact(value)) {
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        while (PyDict_Next(value, &pos, &k, &v)) {
            if (!PyUnicode_CheckExact(k) || !json_native(v, depth + 1)) {
                return 0;
            }
        }
        return 1;
    }
    return 0;
}

/* A new reference to the value the field keeps, NULL with Fallback (or another error) set. */
static PyObject *
checked(FieldSpec *spec, PyObject *value)
{
    if (value == Py_None && spec->kind != K_MAP) {
        if (spec->nullable) {
            return Py_NewRef(value);
        }
        goto fallback;
    }
    switch (spec->kind) {
    case K_ANY:
        return Py_NewRef(value);
    case K_EXACT:
        if (exact_in(value, spec->arg)) {
            return Py_NewRef(value);
        }
        goto fallback;
    case K_MAP: {
        PyObject *mapped = PyDict_GetItemWithError(spec->arg, value); /* borrowed */
        if (mapped != NULL) {
            return Py_NewRef(mapped);
        }
        if (PyErr_Occurred()) {
            if (!PyErr_ExceptionMatches(PyExc_TypeError)) {
                return NULL;
            }
            PyErr_Clear(); /* unhashable: let validation explain it */
        }
        goto fallback;
    }
    case K_DECIMAL: {
        if ((PyObject *)Py_TYPE(value) != spec->arg) {
            goto fallback;
        }
        PyObject *finite = PyObject_CallMethodNoArgs(value, is_finite_name);
        if (finite == NULL) {
            return NULL;
        }
        int ok = finite == Py_True;
        Py_DECREF(finite);
        if (ok) {
            return Py_NewRef(value);
        }
        goto fallback;
    }
    case K_JSON:
        if (spec->arg != Py_None && (PyObject *)Py_TYPE(value) != spec->arg) {
            goto fallback;
        }
        if (json_native(value, 0)) {
            return Py_NewRef(value);
        }
        goto fallback;
    case K_LIST: {
        if (!PyList_CheckExact(value)) {
            goto fallback;
        }
        PyObject *types = PyTuple_GET_ITEM(spec->arg, 0);
        int items_nullable = PyTuple_GET_ITEM(spec->arg, 1) == Py_True;
        for (Py_ssize_t j = 0; j < PyList_GET_SIZE(value); j++) {
            PyObject *item = PyList_GET_ITEM(value, j);
            if (item == Py_None ? !items_nullable : !exact_in(item, types)) {
                goto fallback;
            }
        }
        return Py_NewRef(value);
    }
    case K_DICT: {
        if (!PyDict_CheckExact(value)) {
            goto fallback;
        }
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        while (PyDict_Next(value, &pos, &k, &v)) {
            if (!PyUnicode_CheckExact(k)) {
                goto fallback;
            }
        }
        return Py_NewRef(value);
    }
    }
fallback:
    PyErr_SetNone(Fallback);
    return NULL;
}

/* One row -> a new reference to the instance, or NULL with an exception set. */
PyObject *
sqlfirst_build_row(RowBuilder *self, PyObject *row)
{
    Py_ssize_t size = PySequence_Size(row);
    if (size < 0) {
        return NULL;
    }
    if (size != self->ncolumns) {
        PyErr_SetNone(Fallback);
        return NULL;
    }
    PyObject *dict = PyDict_Copy(self->template);
    if (dict == NULL) {
        return NULL;
    }
    int holds_gc_objects = 0; /* written by position: the dict must start tracking itself then */
    for (Py_ssize_t i = 0; i < self->size; i++) {
        FieldSpec *spec = &self->specs[i];
        PyObject *raw = PySequence_GetItem(row, spec->column);
        if (raw == NULL) {
            goto fail_dict;
        }
        PyObject *value = checked(spec, raw);
        Py_DECREF(raw);
        if (value == NULL) {
            goto fail_dict;
        }
#ifdef SQLFIRST_DIRECT_DICT
        if (self->direct) {
            /* The copy is new and nobody else holds it: replace the template's None in place. */
            holds_gc_objects |= PyObject_IS_GC(value);
            Py_SETREF(unicode_entries(dict)[i].me_value, value);
            continue;
        }
#endif
        int rc = PyDict_SetItem(dict, PyTuple_GET_ITEM(self->keys, i), value);
        Py_DECREF(value);
        if (rc < 0) {
            goto fail_dict;
        }
    }
    /* The template's copy is untracked (str and None only); PyDict_SetItem would have started
     * tracking it on the first container put in, and a cycle through it would leak otherwise. */
    if (holds_gc_objects && !PyObject_GC_IsTracked(dict)) {
        PyObject_GC_Track(dict);
    }
    PyObject *instance = self->cls->tp_alloc(self->cls, 0);
    if (instance == NULL) {
        goto fail_dict;
    }
    int set = PyObject_GenericSetDict(instance, dict, NULL);
    Py_DECREF(dict);
    if (set < 0) {
        Py_DECREF(instance);
        return NULL;
    }
    PyObject *fields_set = self->copy_fields_set ? PySet_New(self->fields_set) : Py_NewRef(self->fields_set);
    if (fields_set == NULL) {
        Py_DECREF(instance);
        return NULL;
    }
    PyObject *values[3] = {fields_set, Py_None, Py_None};
    for (int i = 0; i < 3; i++) {
        if (self->slot_offsets[i] > 0) {
            *(PyObject **)((char *)instance + self->slot_offsets[i]) = Py_NewRef(values[i]);
        }
        else if (set_slot(PyTuple_GET_ITEM(self->setters, i), instance, values[i]) < 0) {
            Py_DECREF(fields_set);
            Py_DECREF(instance);
            return NULL;
        }
    }
    Py_DECREF(fields_set);
    return instance;

fail_dict:
    Py_DECREF(dict);
    return NULL;
}

static PyObject *
builder_one(RowBuilder *self, PyObject *row)
{
    Py_INCREF(row);
    PyObject *instance = sqlfirst_build_row(self, row);
    Py_DECREF(row);
    return instance;
}

PyObject *
sqlfirst_build_rows(RowBuilder *self, PyObject *rows)
{
    /* A tuple of our own: the caller's list may change while rows are built (Python code can run). */
    if (!PySequence_Check(rows)) {
        PyErr_SetString(PyExc_TypeError, "rows must be a sequence");
        return NULL;
    }
    PyObject *seq = PySequence_Tuple(rows);
    if (seq == NULL) {
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(seq);
    PyObject *out = PyList_New(n);
    if (out == NULL) {
        Py_DECREF(seq);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *instance = sqlfirst_build_row(self, PyTuple_GET_ITEM(seq, i));
        if (instance == NULL) {
            Py_DECREF(out); /* unfilled items are NULL, which list_dealloc skips */
            Py_DECREF(seq);
            return NULL;
        }
        PyList_SET_ITEM(out, i, instance);
    }
    Py_DECREF(seq);
    return out;
}

static PyObject *
builder_many(RowBuilder *self, PyObject *rows)
{
    return sqlfirst_build_rows(self, rows);
}

static PyMethodDef builder_methods[] = {
    {"one", (PyCFunction)builder_one, METH_O, "one(row) -> the row as a model instance"},
    {"many", (PyCFunction)builder_many, METH_O, "many(rows) -> a list of model instances"},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef builder_members[] = {
    {"by_position", T_INT, offsetof(RowBuilder, direct), READONLY,
     "1 when values are written into each row's dict by position (CPython 3.11 and 3.12), 0 when by key"},
    {NULL, 0, 0, 0, NULL},
};

PyTypeObject RowBuilderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "sqlfirst._speedups.RowBuilder",
    .tp_doc = PyDoc_STR("RowBuilder(cls, keys, columns, kinds, args, nullables, ncolumns, fields_set, "
                        "copy_fields_set, setters, *, by_position=True)\n\n"
                        "Builds instances of a Pydantic model from rows, checking each value against its "
                        "field's check (sqlfirst.trust); raises Fallback when validation must decide."),
    .tp_basicsize = sizeof(RowBuilder),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = builder_new,
    .tp_dealloc = (destructor)builder_dealloc,
    .tp_traverse = (traverseproc)builder_traverse,
    .tp_clear = (inquiry)builder_clear,
    .tp_methods = builder_methods,
    .tp_members = builder_members,
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "sqlfirst._speedups",
    .m_doc = "sqlfirst's optional C accelerator: rows -> Pydantic model instances.",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    if (PyType_Ready(&RowBuilderType) < 0) {
        return NULL;
    }
    if (is_finite_name == NULL) {
        is_finite_name = PyUnicode_InternFromString("is_finite");
        if (is_finite_name == NULL) {
            return NULL;
        }
    }
    PyObject *module = PyModule_Create(&speedups_module);
    if (module == NULL) {
        return NULL;
    }
    if (Fallback == NULL) {
        Fallback = PyErr_NewExceptionWithDoc(
            "sqlfirst._speedups.Fallback", "A value failed its field's check: the row needs validation.",
            NULL, NULL);
        if (Fallback == NULL) {
            Py_DECREF(module);
            return NULL;
        }
    }
    if (PyModule_AddObjectRef(module, "Fallback", Fallback) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    Py_INCREF(&RowBuilderType);
    if (PyModule_AddObject(module, "RowBuilder", (PyObject *)&RowBuilderType) < 0) {
        Py_DECREF(&RowBuilderType);
        Py_DECREF(module);
        return NULL;
    }
    if (sqlfirst_calls_init(module) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
