/* vntl-validate: check trust lists and certificate chains (see validate_cli.c). */
#include "validate/validate_cli.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HEAP_RESERVE  (256u << 20)
#define HUGE_PAGE     (2u << 20)

/* Loading a 10,000-entry list builds a ~50 MB tree out of small
 * allocations, and on virtual machines each first touch of a 4 KB page is
 * a page fault costing ~12 us: a third of the load time.  Asked to
 * (VNTL_VALIDATE_TUNE_HEAP=1; the library never touches the allocator),
 * this program lets its heap grow in one large step, kept rather than
 * trimmed, and asks for transparent huge pages on it, as glibc's
 * glibc.malloc.hugetlb=1 tunable would.  Only address space is reserved:
 * memory is still used as it is touched, in 2 MB steps.  Where the kernel
 * offers no huge pages nothing changes.  Off by default: a program must
 * not change the allocator's behaviour on a host that did not ask for it. */
static void prepare_heap(void)
{
	const size_t probe_size = 16u << 20; /* below the mmap threshold set here */
	if (mallopt(M_MMAP_THRESHOLD, (int)(2 * probe_size)) != 1 ||
	    mallopt(M_TOP_PAD, (int)HEAP_RESERVE) != 1 ||
	    mallopt(M_TRIM_THRESHOLD, (int)(2 * HEAP_RESERVE)) != 1)
		return;
	uintptr_t start = (uintptr_t)sbrk(0);
	void *probe = malloc(probe_size); /* grows the heap by itself + the reserve */
	uintptr_t end = (uintptr_t)sbrk(0);
	free(probe);
	start = (start + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	if (probe && end > start)
		madvise((void *)start, end - start, MADV_HUGEPAGE);
}

static int heap_tuning_asked(void)
{
	const char *v = getenv("VNTL_VALIDATE_TUNE_HEAP");
	return v && strcmp(v, "1") == 0;
}

int main(int argc, char **argv)
{
	if (heap_tuning_asked())
		prepare_heap();
	return validate_cli_main(argc, argv);
}
