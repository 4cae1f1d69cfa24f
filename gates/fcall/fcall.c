/*
 * fcall: no isolation.  Compartments share everything and a gate, should
 * one be generated, is a plain call through the dispatch table.  An image
 * with one compartment has no gates at all: its components call each
 * other directly, as in any program.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../../os/plat/plat_core.h"
#include "../gate.h"

static __thread char *fcall_arena;
static __thread size_t fcall_top;
static size_t fcall_size;

int
gate_rt_start(const struct gate_image *img)
{
	fcall_size = img->shared_size;
	return img->entry();
}

void
gate_rt_call(int callee, int fn, void *args)
{
	(void)callee;
	gate_image.functions[fn].dispatch(args);
}

void *
gate_rt_frame(void)
{
	return (void *)fcall_top;
}

void *
gate_rt_alloc(size_t size)
{
	size_t at = (fcall_top + 15) & ~(size_t)15;

	if (fcall_arena == NULL) {
		fcall_arena = malloc(fcall_size);
		if (fcall_arena == NULL)
			plat_panic("no memory for the gate arena");
	}
	if (size > fcall_size || at > fcall_size - size)
		plat_panic("gate arena exhausted (%zu bytes)", fcall_size);
	fcall_top = at + size;
	return fcall_arena + at;
}

void
gate_rt_release(void *mark)
{
	fcall_top = (size_t)mark;
}

int
gate_rt_current(void)
{
	return 0;
}
