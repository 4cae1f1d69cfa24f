/*
 * mkvars: read the plain variable assignments of a small Make fragment
 * (app.mk, component.mk) without running Make.
 *
 * Understood: NAME := value, NAME = value, NAME += value, NAME ?= value,
 * '\' line continuations and '#' comments.  Values are taken literally;
 * a value that uses $(...) is returned as written.
 */
#ifndef FX_GATES_MKVARS_H
#define FX_GATES_MKVARS_H

/**
 * The value of @name after every assignment in @text, with runs of blanks
 * folded to one space (free() it), or NULL when @name is never assigned.
 */
char *mk_var(const char *text, const char *name);

#endif /* FX_GATES_MKVARS_H */
