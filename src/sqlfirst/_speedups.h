/*
 * What the two sources of sqlfirst._speedups share: _speedups.c (rows -> model instances) and
 * _speedups_calls.c (the call path of a typed function: a row factory's shape cache and the
 * per-query call statistics).
 */
#ifndef SQLFIRST_SPEEDUPS_H
#define SQLFIRST_SPEEDUPS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    Py_ssize_t column; /* index of the field's value in a row */
    int kind;
    int nullable;
    PyObject *arg;     /* kind's argument (borrowed from self->args) */
} FieldSpec;

typedef struct {
    PyObject_HEAD
    PyTypeObject *cls;       /* the model class */
    PyObject *keys;          /* tuple of str: field names in the model's order */
    PyObject *args;          /* tuple: each field's check argument (owned here) */
    PyObject *template;      /* dict: the keys in order, copied per row */
    PyObject *fields_set;    /* set: the instances' __pydantic_fields_set__ */
    PyObject *setters;       /* tuple of 3 data descriptors: fields_set, extra, private */
    FieldSpec *specs;        /* one per field */
    Py_ssize_t size;         /* fields */
    Py_ssize_t ncolumns;     /* columns of a row */
    int copy_fields_set;     /* 1: each instance gets its own copy (mutable models) */
    int direct;              /* 1: a copy of template holds key i in entry i (values written in place) */
    Py_ssize_t slot_offsets[3]; /* > 0: where a fresh instance keeps each of the three slots */
} RowBuilder;

/* sqlfirst._speedups.Fallback: a value failed its field's check, the row needs validation. */
extern PyObject *sqlfirst_Fallback;
extern PyTypeObject sqlfirst_RowBuilderType;

/* One row -> a new reference to the instance, or NULL with an exception set (Fallback when a
 * value failed its check). */
PyObject *sqlfirst_build_row(RowBuilder *self, PyObject *row);
/* A sequence of rows -> a new list of instances, or NULL with an exception set. */
PyObject *sqlfirst_build_rows(RowBuilder *self, PyObject *rows);

/* Adds _speedups_calls.c's types and functions to the module; -1 with an exception on failure. */
int sqlfirst_calls_init(PyObject *module);

#endif
