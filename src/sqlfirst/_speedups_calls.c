/*
 * sqlfirst._speedups, the call path of a typed function: what runs around the round trip.
 *
 * Shapes: the front of a sqlfirst.rows.RowFactory. A factory builds rows of each result shape (the
 * column names in order) with the RowBuilder made for that shape. Finding it took a Python call, a
 * tuple of the row's keys and a dict lookup per call; Shapes keeps the shape seen last and, when an
 * asyncpg Record of that shape comes, builds it directly. Anything else (another shape, a mapping,
 * a model that is always validated) goes to the factory's own Python path, which hands the shape
 * back here with remember(). A row whose values fail their checks is validated exactly as the
 * Python path does (the fallback callables of that shape).
 *
 * Tally and done()/failed(): the per-query statistics of sqlfirst.monitoring (calls, rows, time,
 * a histogram of power-of-two buckets, errors by type). The counting runs in C; the slow-query log
 * and spans are Python (monitoring._after), called only when a call is slow or tracing is on.
 * The clock is CLOCK_MONOTONIC (time.perf_counter_ns's on Linux), read by now().
 *
 * Only public C API is used; the GIL serializes every update.
 */
#include "_speedups.h"
#include <structmember.h>
#include <time.h>

#define BUCKETS 40

static PyObject *keys_name;     /* "keys" */
static PyObject *after_hook;    /* monitoring._after(recorder, started, elapsed, rows, error, conn) */
static int counting = 1;        /* statistics on */
static int tracing = 0;         /* spans on: every call goes to the hook */
static long long slow_ns = 1000000000LL;

/* ------------------------------------------------------------------------------------------ */
/* Shapes                                                                                      */

typedef struct {
    PyObject_HEAD
    PyObject *record_type; /* asyncpg.Record: only its exact instances take the fast path */
    PyObject *slow_one;    /* factory's Python path for one row */
    PyObject *slow_many;   /* factory's Python path for a list of rows */
    PyObject *last;        /* NULL or (keys, builder, fallback_many, fallback_one) */
} Shapes;

static int
shapes_traverse(Shapes *self, visitproc visit, void *arg)
{
    Py_VISIT(self->record_type);
    Py_VISIT(self->slow_one);
    Py_VISIT(self->slow_many);
    Py_VISIT(self->last);
    return 0;
}

static int
shapes_clear(Shapes *self)
{
    Py_CLEAR(self->record_type);
    Py_CLEAR(self->slow_one);
    Py_CLEAR(self->slow_many);
    Py_CLEAR(self->last);
    return 0;
}

static void
shapes_dealloc(Shapes *self)
{
    PyObject_GC_UnTrack(self);
    shapes_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
shapes_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"record_type", "slow_one", "slow_many", NULL};
    PyObject *record_type, *slow_one, *slow_many;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!OO:Shapes", kwlist, &PyType_Type, &record_type, &slow_one,
                                     &slow_many)) {
        return NULL;
    }
    if (!PyCallable_Check(slow_one) || !PyCallable_Check(slow_many)) {
        PyErr_SetString(PyExc_TypeError, "slow_one and slow_many must be callable");
        return NULL;
    }
    Shapes *self = (Shapes *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->record_type = Py_NewRef(record_type);
    self->slow_one = Py_NewRef(slow_one);
    self->slow_many = Py_NewRef(slow_many);
    self->last = NULL;
    return (PyObject *)self;
}

static PyObject *
shapes_remember(Shapes *self, PyObject *args)
{
    PyObject *keys, *builder, *fallback_many, *fallback_one;
    if (!PyArg_ParseTuple(args, "O!O!OO:remember", &PyTuple_Type, &keys, &sqlfirst_RowBuilderType, &builder,
                          &fallback_many, &fallback_one)) {
        return NULL;
    }
    PyObject *last = PyTuple_Pack(4, keys, builder, fallback_many, fallback_one);
    if (last == NULL) {
        return NULL;
    }
    Py_XSETREF(self->last, last);
    Py_RETURN_NONE;
}

/* 1 when the Record row has the column names of last (a new reference to last in *held), 0 when
 * not, -1 with an exception set. */
static int
same_shape(Shapes *self, PyObject *row, PyObject **held)
{
    *held = NULL;
    if ((PyObject *)Py_TYPE(row) != self->record_type || self->last == NULL) {
        return 0;
    }
    PyObject *last = Py_NewRef(self->last); /* remember() may run while Python code runs */
    PyObject *iter = PyObject_CallMethodNoArgs(row, keys_name);
    if (iter == NULL) {
        Py_DECREF(last);
        return -1;
    }
    PyObject *keys = PySequence_Tuple(iter);
    Py_DECREF(iter);
    if (keys == NULL) {
        Py_DECREF(last);
        return -1;
    }
    /* The same statement's records share their key objects: the compare is identity per item. */
    int same = PyObject_RichCompareBool(keys, PyTuple_GET_ITEM(last, 0), Py_EQ);
    Py_DECREF(keys);
    if (same <= 0) {
        Py_DECREF(last);
        return same;
    }
    *held = last;
    return 1;
}

/* After a failed build: validate (the shape's fallback) when a value failed its check, else NULL. */
static PyObject *
fall_back(PyObject *fallback, PyObject *arg)
{
    if (PyErr_ExceptionMatches(sqlfirst_Fallback) || PyErr_ExceptionMatches(PyExc_KeyError) ||
        PyErr_ExceptionMatches(PyExc_TypeError) || PyErr_ExceptionMatches(PyExc_ValueError)) {
        PyErr_Clear();
        return PyObject_CallOneArg(fallback, arg);
    }
    return NULL;
}

static PyObject *
shapes_one(Shapes *self, PyObject *row)
{
    PyObject *last;
    int same = same_shape(self, row, &last);
    if (same < 0) {
        return NULL;
    }
    if (!same) {
        return PyObject_CallOneArg(self->slow_one, row);
    }
    Py_INCREF(row);
    PyObject *instance = sqlfirst_build_row((RowBuilder *)PyTuple_GET_ITEM(last, 1), row);
    if (instance == NULL) {
        instance = fall_back(PyTuple_GET_ITEM(last, 3), row);
    }
    Py_DECREF(row);
    Py_DECREF(last);
    return instance;
}

static PyObject *
shapes_many(Shapes *self, PyObject *rows)
{
    if (!PyList_CheckExact(rows)) {
        return PyObject_CallOneArg(self->slow_many, rows);
    }
    if (PyList_GET_SIZE(rows) == 0) {
        return PyList_New(0);
    }
    PyObject *first = Py_NewRef(PyList_GET_ITEM(rows, 0));
    PyObject *last;
    int same = same_shape(self, first, &last);
    Py_DECREF(first);
    if (same < 0) {
        return NULL;
    }
    if (!same) {
        return PyObject_CallOneArg(self->slow_many, rows);
    }
    /* Rows of one result share their columns; a row of another length falls back on its own. */
    PyObject *out = sqlfirst_build_rows((RowBuilder *)PyTuple_GET_ITEM(last, 1), rows);
    if (out == NULL) {
        out = fall_back(PyTuple_GET_ITEM(last, 2), rows);
    }
    Py_DECREF(last);
    return out;
}

static PyMethodDef shapes_methods[] = {
    {"one", (PyCFunction)shapes_one, METH_O, "one(row) -> the row as a model instance"},
    {"many", (PyCFunction)shapes_many, METH_O, "many(rows) -> a list of model instances"},
    {"remember", (PyCFunction)shapes_remember, METH_VARARGS,
     "remember(keys, builder, fallback_many, fallback_one): the shape Records of these keys take"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ShapesType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "sqlfirst._speedups.Shapes",
    .tp_doc = PyDoc_STR("Shapes(record_type, slow_one, slow_many)\n\n"
                        "The front of a row factory: Records of the shape it remembers are built here, "
                        "everything else goes to slow_one / slow_many."),
    .tp_basicsize = sizeof(Shapes),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = shapes_new,
    .tp_dealloc = (destructor)shapes_dealloc,
    .tp_traverse = (traverseproc)shapes_traverse,
    .tp_clear = (inquiry)shapes_clear,
    .tp_methods = shapes_methods,
};

/* ------------------------------------------------------------------------------------------ */
/* Tally, done(), failed(), now()                                                              */

typedef struct {
    PyObject_HEAD
    PyObject *owner;  /* the monitoring._Recorder the hook is called with */
    PyObject *errors; /* dict: error type name -> count */
    long long calls;
    long long rows;
    long long total_ns;
    long long buckets[BUCKETS];
} Tally;

static int
tally_traverse(Tally *self, visitproc visit, void *arg)
{
    Py_VISIT(self->owner);
    Py_VISIT(self->errors);
    return 0;
}

static int
tally_clear_refs(Tally *self)
{
    Py_CLEAR(self->owner);
    Py_CLEAR(self->errors);
    return 0;
}

static void
tally_dealloc(Tally *self)
{
    PyObject_GC_UnTrack(self);
    tally_clear_refs(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
tally_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"owner", NULL};
    PyObject *owner;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O:Tally", kwlist, &owner)) {
        return NULL;
    }
    PyObject *errors = PyDict_New();
    if (errors == NULL) {
        return NULL;
    }
    Tally *self = (Tally *)type->tp_alloc(type, 0); /* zeroed: no calls yet */
    if (self == NULL) {
        Py_DECREF(errors);
        return NULL;
    }
    self->owner = Py_NewRef(owner);
    self->errors = errors;
    return (PyObject *)self;
}

static PyObject *
tally_reset(Tally *self, PyObject *Py_UNUSED(ignored))
{
    self->calls = self->rows = self->total_ns = 0;
    memset(self->buckets, 0, sizeof(self->buckets));
    PyDict_Clear(self->errors);
    Py_RETURN_NONE;
}

static PyObject *
tally_get_buckets(Tally *self, void *Py_UNUSED(closure))
{
    PyObject *out = PyList_New(BUCKETS);
    if (out == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < BUCKETS; i++) {
        PyObject *count = PyLong_FromLongLong(self->buckets[i]);
        if (count == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, i, count);
    }
    return out;
}

static PyMemberDef tally_members[] = {
    {"calls", T_LONGLONG, offsetof(Tally, calls), READONLY, "calls"},
    {"rows", T_LONGLONG, offsetof(Tally, rows), READONLY, "rows returned or affected"},
    {"total_ns", T_LONGLONG, offsetof(Tally, total_ns), READONLY, "time of all calls, in ns"},
    {"errors", T_OBJECT, offsetof(Tally, errors), READONLY, "error type name -> count (the live dict)"},
    {"owner", T_OBJECT, offsetof(Tally, owner), READONLY, "the recorder the hook is called with"},
    {NULL, 0, 0, 0, NULL},
};

static PyGetSetDef tally_getset[] = {
    {"buckets", (getter)tally_get_buckets, NULL, "calls per power-of-two bucket of ns (a copy)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef tally_methods[] = {
    {"reset", (PyCFunction)tally_reset, METH_NOARGS, "reset(): forget every call"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TallyType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "sqlfirst._speedups.Tally",
    .tp_doc = PyDoc_STR("Tally(owner)\n\nOne named query's call statistics, counted by done() and failed()."),
    .tp_basicsize = sizeof(Tally),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = tally_new,
    .tp_dealloc = (destructor)tally_dealloc,
    .tp_traverse = (traverseproc)tally_traverse,
    .tp_clear = (inquiry)tally_clear_refs,
    .tp_members = tally_members,
    .tp_getset = tally_getset,
    .tp_methods = tally_methods,
};

static long long
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static PyObject *
speedups_now(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(ignored))
{
    return PyLong_FromLongLong(now_ns());
}

static void
count(Tally *tally, long long elapsed, long long rows)
{
    int bucket = elapsed > 0 ? 64 - __builtin_clzll((unsigned long long)elapsed) : 0;
    tally->calls += 1;
    tally->rows += rows;
    tally->total_ns += elapsed;
    tally->buckets[bucket < BUCKETS ? bucket : BUCKETS - 1] += 1;
}

/* The hook when the call is slow or spans are on; -1 with an exception when it failed. */
static int
after(Tally *tally, long long started, long long elapsed, long long rows, PyObject *error, PyObject *conn)
{
    if (!(tracing || elapsed > slow_ns) || after_hook == NULL) {
        return 0;
    }
    PyObject *result = PyObject_CallFunction(after_hook, "OLLLOO", tally->owner, started, elapsed, rows,
                                             error, conn);
    if (result == NULL) {
        return -1;
    }
    Py_DECREF(result);
    return 0;
}

/* done(tally, started, rows, conn=None): a successful call that began at started (now()). */
static PyObject *
speedups_done(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 3 || nargs > 4 || !Py_IS_TYPE(args[0], &TallyType)) {
        PyErr_SetString(PyExc_TypeError, "done(tally, started, rows, conn=None)");
        return NULL;
    }
    long long started = PyLong_AsLongLong(args[1]);
    long long rows = PyLong_AsLongLong(args[2]);
    if (PyErr_Occurred()) {
        return NULL;
    }
    long long elapsed = now_ns() - started;
    Tally *tally = (Tally *)args[0];
    if (counting) {
        count(tally, elapsed, rows);
    }
    if (after(tally, started, elapsed, rows, Py_None, nargs > 3 ? args[3] : Py_None) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

/* failed(tally, started, error, conn=None): a call that raised error. */
static PyObject *
speedups_failed(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 3 || nargs > 4 || !Py_IS_TYPE(args[0], &TallyType)) {
        PyErr_SetString(PyExc_TypeError, "failed(tally, started, error, conn=None)");
        return NULL;
    }
    long long started = PyLong_AsLongLong(args[1]);
    if (started == -1 && PyErr_Occurred()) {
        return NULL;
    }
    long long elapsed = now_ns() - started;
    Tally *tally = (Tally *)args[0];
    if (counting) {
        PyObject *kind = PyType_GetName(Py_TYPE(args[2]));
        if (kind == NULL) {
            return NULL;
        }
        PyObject *seen = PyDict_GetItemWithError(tally->errors, kind); /* borrowed */
        long long before = seen == NULL ? 0 : PyLong_AsLongLong(seen);
        PyObject *bumped = PyErr_Occurred() ? NULL : PyLong_FromLongLong(before + 1);
        int rc = bumped == NULL ? -1 : PyDict_SetItem(tally->errors, kind, bumped);
        Py_XDECREF(bumped);
        Py_DECREF(kind);
        if (rc < 0) {
            return NULL;
        }
        count(tally, elapsed, 0);
    }
    if (after(tally, started, elapsed, 0, args[2], nargs > 3 ? args[3] : Py_None) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

/* configure(counting, slow_ns, tracing, hook): what done() and failed() do besides counting. */
static PyObject *
speedups_configure(PyObject *Py_UNUSED(module), PyObject *args)
{
    int new_counting, new_tracing;
    long long new_slow;
    PyObject *hook;
    if (!PyArg_ParseTuple(args, "pLpO:configure", &new_counting, &new_slow, &new_tracing, &hook)) {
        return NULL;
    }
    if (!PyCallable_Check(hook)) {
        PyErr_SetString(PyExc_TypeError, "hook must be callable");
        return NULL;
    }
    counting = new_counting;
    slow_ns = new_slow;
    tracing = new_tracing;
    Py_XSETREF(after_hook, Py_NewRef(hook));
    Py_RETURN_NONE;
}

static PyMethodDef calls_functions[] = {
    {"now", (PyCFunction)speedups_now, METH_NOARGS, "now() -> CLOCK_MONOTONIC in ns"},
    {"done", (PyCFunction)(void (*)(void))speedups_done, METH_FASTCALL,
     "done(tally, started, rows, conn=None): count a successful call"},
    {"failed", (PyCFunction)(void (*)(void))speedups_failed, METH_FASTCALL,
     "failed(tally, started, error, conn=None): count a call that raised error"},
    {"configure", (PyCFunction)speedups_configure, METH_VARARGS,
     "configure(counting, slow_ns, tracing, hook): statistics on, the slow threshold, spans on"},
    {NULL, NULL, 0, NULL},
};

int
sqlfirst_calls_init(PyObject *module)
{
    if (keys_name == NULL && (keys_name = PyUnicode_InternFromString("keys")) == NULL) {
        return -1;
    }
    if (PyType_Ready(&ShapesType) < 0 || PyType_Ready(&TallyType) < 0) {
        return -1;
    }
    if (PyModule_AddObjectRef(module, "Shapes", (PyObject *)&ShapesType) < 0 ||
        PyModule_AddObjectRef(module, "Tally", (PyObject *)&TallyType) < 0) {
        return -1;
    }
    return PyModule_AddFunctions(module, calls_functions);
}
