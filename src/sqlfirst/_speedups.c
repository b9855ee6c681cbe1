/*
 * sqlfirst._speedups: rows -> Pydantic model instances, in C.
 *
 * The optional accelerator behind sqlfirst.binding.RowFactory for "trusted" models (plain fields,
 * no validators; see that module). It does exactly what the generated Python loop does, without
 * the interpreter: for each row (an asyncpg Record or a tuple, columns in `keys` order) it copies a
 * template dict of the field names, fills in the values (enum columns through their label -> member
 * dict), allocates the instance without calling __init__, and sets __dict__ and Pydantic's three
 * slots (__pydantic_fields_set__, __pydantic_extra__ = None, __pydantic_private__ = None), just as
 * BaseModel.model_construct does.
 *
 * Only public C API is used. A value a map does not know raises KeyError (TypeError when it is
 * unhashable); the Python side then lets Pydantic validate the rows to report the bad value.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <descrobject.h>

typedef struct {
    PyObject_HEAD
    PyTypeObject *cls;       /* the model class */
    PyObject *keys;          /* tuple of str: field names in column order */
    PyObject *maps;          /* tuple of None | dict, one per key */
    PyObject *template;      /* dict: the keys in order, copied per row */
    PyObject *fields_set;    /* set: the instances' __pydantic_fields_set__ */
    PyObject *setters;       /* tuple of 3 data descriptors: fields_set, extra, private */
    Py_ssize_t size;
    int copy_fields_set;     /* 1: each instance gets its own copy (mutable models) */
    int has_maps;
} RowBuilder;

static int
builder_traverse(RowBuilder *self, visitproc visit, void *arg)
{
    Py_VISIT(self->cls);
    Py_VISIT(self->keys);
    Py_VISIT(self->maps);
    Py_VISIT(self->template);
    Py_VISIT(self->fields_set);
    Py_VISIT(self->setters);
    return 0;
}

static int
builder_clear(RowBuilder *self)
{
    Py_CLEAR(self->cls);
    Py_CLEAR(self->keys);
    Py_CLEAR(self->maps);
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
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Every field is set here, once: a builder never changes after it is made, so Python code that runs
 * while rows are built (a row's __getitem__, a map key's __eq__) cannot pull anything from under it. */
static PyObject *
builder_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"cls", "keys", "maps", "fields_set", "copy_fields_set", "setters", NULL};
    PyObject *cls, *keys, *maps, *fields_set, *setters;
    int copy_fields_set;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!O!O!pO!:RowBuilder", kwlist, &PyType_Type, &cls,
                                     &PyTuple_Type, &keys, &PyTuple_Type, &maps, &PySet_Type,
                                     &fields_set, &copy_fields_set, &PyTuple_Type, &setters)) {
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
    if (PyTuple_GET_SIZE(maps) != size) {
        PyErr_SetString(PyExc_ValueError, "keys and maps differ in length");
        return NULL;
    }
    int has_maps = 0;
    for (Py_ssize_t i = 0; i < size; i++) {
        if (!PyUnicode_CheckExact(PyTuple_GET_ITEM(keys, i))) {
            PyErr_SetString(PyExc_TypeError, "keys must be str");
            return NULL;
        }
        PyObject *map = PyTuple_GET_ITEM(maps, i);
        if (map != Py_None) {
            if (!PyDict_CheckExact(map)) {
                PyErr_SetString(PyExc_TypeError, "maps must be None or dict");
                return NULL;
            }
            has_maps = 1;
        }
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
    PyObject *template = PyDict_New();
    if (template == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < size; i++) {
        if (PyDict_SetItem(template, PyTuple_GET_ITEM(keys, i), Py_None) < 0) {
            Py_DECREF(template);
            return NULL;
        }
    }
    if (PyDict_GET_SIZE(template) != size) {
        Py_DECREF(template);
        PyErr_SetString(PyExc_ValueError, "keys must be distinct");
        return NULL;
    }
    RowBuilder *self = (RowBuilder *)type->tp_alloc(type, 0);
    if (self == NULL) {
        Py_DECREF(template);
        return NULL;
    }
    self->cls = (PyTypeObject *)Py_NewRef(cls);
    self->keys = Py_NewRef(keys);
    self->maps = Py_NewRef(maps);
    self->template = template;
    self->fields_set = Py_NewRef(fields_set);
    self->setters = Py_NewRef(setters);
    self->size = size;
    self->copy_fields_set = copy_fields_set;
    self->has_maps = has_maps;
    return (PyObject *)self;
}

static int
set_slot(PyObject *descr, PyObject *obj, PyObject *value)
{
    return Py_TYPE(descr)->tp_descr_set(descr, obj, value);
}

/* One row -> a new reference to the instance, or NULL with an exception set. */
static PyObject *
build_row(RowBuilder *self, PyObject *row)
{
    Py_ssize_t size = PySequence_Size(row);
    if (size < 0) {
        return NULL;
    }
    if (size != self->size) {
        PyErr_Format(PyExc_ValueError, "a row of %zd columns for %zd fields", size, self->size);
        return NULL;
    }
    PyObject *dict = PyDict_Copy(self->template);
    if (dict == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < size; i++) {
        PyObject *value = PySequence_GetItem(row, i);
        if (value == NULL) {
            goto fail_dict;
        }
        if (self->has_maps) {
            PyObject *map = PyTuple_GET_ITEM(self->maps, i);
            if (map != Py_None) {
                PyObject *mapped = PyDict_GetItemWithError(map, value); /* borrowed */
                if (mapped == NULL) {
                    if (!PyErr_Occurred()) {
                        PyErr_Format(PyExc_KeyError, "%R", value);
                    }
                    Py_DECREF(value);
                    goto fail_dict;
                }
                Py_INCREF(mapped);
                Py_SETREF(value, mapped);
            }
        }
        int rc = PyDict_SetItem(dict, PyTuple_GET_ITEM(self->keys, i), value);
        Py_DECREF(value);
        if (rc < 0) {
            goto fail_dict;
        }
    }
    PyObject *instance = self->cls->tp_alloc(self->cls, 0);
    if (instance == NULL) {
        goto fail_dict;
    }
    if (PyObject_GenericSetDict(instance, dict, NULL) < 0) {
        Py_DECREF(instance);
        goto fail_dict;
    }
    Py_DECREF(dict);
    PyObject *fields_set = self->copy_fields_set ? PySet_New(self->fields_set) : Py_NewRef(self->fields_set);
    if (fields_set == NULL) {
        Py_DECREF(instance);
        return NULL;
    }
    int rc = set_slot(PyTuple_GET_ITEM(self->setters, 0), instance, fields_set);
    Py_DECREF(fields_set);
    if (rc < 0 || set_slot(PyTuple_GET_ITEM(self->setters, 1), instance, Py_None) < 0 ||
        set_slot(PyTuple_GET_ITEM(self->setters, 2), instance, Py_None) < 0) {
        Py_DECREF(instance);
        return NULL;
    }
    return instance;

fail_dict:
    Py_DECREF(dict);
    return NULL;
}

static PyObject *
builder_one(RowBuilder *self, PyObject *row)
{
    Py_INCREF(row);
    PyObject *instance = build_row(self, row);
    Py_DECREF(row);
    return instance;
}

static PyObject *
builder_many(RowBuilder *self, PyObject *rows)
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
        PyObject *instance = build_row(self, PyTuple_GET_ITEM(seq, i));
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

static PyMethodDef builder_methods[] = {
    {"one", (PyCFunction)builder_one, METH_O, "one(row) -> the row as a model instance"},
    {"many", (PyCFunction)builder_many, METH_O, "many(rows) -> a list of model instances"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject RowBuilderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "sqlfirst._speedups.RowBuilder",
    .tp_doc = PyDoc_STR("RowBuilder(cls, keys, maps, fields_set, copy_fields_set, setters)\n\n"
                        "Builds instances of a Pydantic model from rows whose columns are the "
                        "model's fields in `keys` order, without validation."),
    .tp_basicsize = sizeof(RowBuilder),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = builder_new,
    .tp_dealloc = (destructor)builder_dealloc,
    .tp_traverse = (traverseproc)builder_traverse,
    .tp_clear = (inquiry)builder_clear,
    .tp_methods = builder_methods,
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
    PyObject *module = PyModule_Create(&speedups_module);
    if (module == NULL) {
        return NULL;
    }
    Py_INCREF(&RowBuilderType);
    if (PyModule_AddObject(module, "RowBuilder", (PyObject *)&RowBuilderType) < 0) {
        Py_DECREF(&RowBuilderType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
