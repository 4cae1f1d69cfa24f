/*
 * gen: the gate generator.  For one configuration of an application it
 * writes a build directory that os/Makefile turns into a runnable image:
 *
 *	config.mk	components, their source folders, compartments and
 *			hardening flags, the mechanism, the link flags
 *	gates.c		the image description (gate_image), and for images
 *			of two or more compartments a caller stub and a
 *			callee dispatcher per exported function
 *	image.ld	linker script: page-aligned code, read-only data,
 *			data and bss sections of their own per compartment
 *	syms/C.syms	objcopy --redefine-syms list of component C: every
 *			function of another compartment it may call,
 *			renamed to that function's stub
 *	flags/C.flags	what component C is compiled with (flags/core.flags:
 *			the core), rewritten only when that changes
 *	config.name	the configuration's canonical name
 *
 * Files whose content did not change are left untouched, so Make rebuilds
 * only what a new configuration changes.  Then:
 *
 *	make -C os BUILD=DIR		-> DIR/image
 */
#ifndef FX_GATES_GEN_H
#define FX_GATES_GEN_H

#include <stddef.h>

#include "../configspace/configspace.h"
#include "api.h"

#define GEN_MAX_HARDEN 16

struct gen_component {
	char *name;
	char *dir; /* absolute source folder */
	int compartment;
	int nharden;
	const char *harden[GEN_MAX_HARDEN]; /* option names */
	struct api_file api; /* its exports.api (may have no functions) */
	char *syscalls;	     /* COMP_SYSCALLS, space-separated */
};

/* One image to generate, independent of how it was chosen. */
struct gen_image {
	char *app;
	char *appdir;	 /* absolute */
	char *srcdir;	 /* the source tree holding os/ and gates/ */
	char *entry;	 /* APP_ENTRY */
	char *mechanism; /* "none", "fcall", "proc" or "mpk" */
	char *name;	 /* canonical configuration name */
	int ncompartments;
	int ncomponents;
	struct gen_component comps[CS_MAX_COMPONENTS];
	size_t shared_size; /* bytes of gate arena */
};

/* The compiler flags of one hardening option. */
struct gen_hardening {
	const char *name;
	const char *cflags;
	const char *ldflags;  /* added once to the image's link */
	int clang;	      /* needs clang */
	int lto;	      /* objects are LLVM bitcode: link them with lld */
	const char *syscalls; /* its runtime's extra system calls */
};

/** The flags of hardening option @name, or NULL when unknown. */
const struct gen_hardening *gen_hardening(const char *name);

/**
 * Describe the image of configuration @cfg of space @sp, whose sources
 * are under @srcdir (app from the space's build section, found in
 * os/apps/ or os/test-components/).  Reads app.mk, each component's
 * component.mk and exports.api.  Returns 0, or -1 with "file:line: what"
 * (or a plain message) in @err.
 */
int gen_image_from_config(struct gen_image *img, const struct cs_space *sp,
			  const struct cs_config *cfg, const char *srcdir,
			  char *err, size_t errlen);

/**
 * Describe an image directly: application @app of @srcdir with
 * @placement, a list of compartments separated by '|', each a list of
 * components joined by '+' (the canonical name's first part), under
 * @mechanism ("none" for one compartment).  Every component of the app
 * must be placed once.  No hardening; add it to img->comps[].harden.
 */
int gen_image_from_placement(struct gen_image *img, const char *app,
			     const char *srcdir, const char *placement,
			     const char *mechanism, char *err, size_t errlen);

/** Index of component @name in @img, or -1. */
int gen_image_component(const struct gen_image *img, const char *name);

/**
 * Write the build directory @outdir (created when missing).  Returns 0,
 * or -1 with a message in @err.
 */
int gen_write(const struct gen_image *img, const char *outdir, char *err,
	      size_t errlen);

void gen_image_free(struct gen_image *img);

/**
 * All of it: describe configuration @cfg of @sp and write @outdir.
 * Returns an fx_exit code (FX_EXIT_USAGE for bad sources, FX_EXIT_ENV
 * when @outdir cannot be written) with a message in @err.
 */
int gen_build_dir(const struct cs_space *sp, const struct cs_config *cfg,
		  const char *srcdir, const char *outdir, char *err,
		  size_t errlen);

#endif /* FX_GATES_GEN_H */
