// glibc's malloc controls (malloc_trim, mallinfo2), which Swift's Glibc module leaves out: the daemon hands the
// heap a large run freed back to the system, and reports how much of it is in use.
#include <malloc.h>
