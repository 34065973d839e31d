/*
 * test-harden.c - engine contracts from issue 13 that no data file shows.
 *
 * The JSON loaders (cli/json.c, cli/json-fast.c) feed each VMA to the maps
 * parser as a line, then set its VmFlags on the linked VMA, then call
 * vma_classify_all: that last call must leave every cached gap right, also
 * when grows-down (which moves the guard gap) was set or cleared.
 */
#include <errno.h>
#include <stdlib.h>

#include "maps.h"
#include "tap.h"
#include "vma.h"

static const char text[] =
	"7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"
	"7f0000200000-7f0000210000 rw-p 00000000 00:00 0 \n"
	"7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]\n";

static void loaded_flags(const char *what, size_t len, vmf_t set, vmf_t clear, unsigned which)
{
	struct vma_model m;
	struct maps_parser p;
	struct vma *v;
	char why[256] = "";
	unsigned i = 0;

	vma_model_init(&m, NULL);
	maps_parser_init(&p, &m);
	ok(maps_parse(&p, text, len, true) == (long)len &&
	   maps_parser_finish(&p) == 0, "%s: parsed", what);
	for (v = m.first; v && i < which; v = v->next)
		i++;
	v->flags = (v->flags | set) & ~clear;	/* as a loader sets VmFlags */
	vma_classify_all(&m);
	ok(vma_validate(&m, why, sizeof(why)) == 0, "%s: cached gaps up to date after "
	   "vma_classify_all %s", what, why);
	vma_model_release(&m);
}

int main(void)
{
	/* the first two lines: the grows-down VMA has the largest gap */
	loaded_flags("grows-down set on a mapping that is not [stack]", 98, VMF(GROWSDOWN), 0, 1);
	loaded_flags("grows-down cleared on [stack]", sizeof(text) - 1, 0, VMF(GROWSDOWN), 2);
	return tap_done();
}
