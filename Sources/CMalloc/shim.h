// glibc's malloc controls (malloc_trim), which Swift's Glibc module leaves out: the daemon hands the heap a
// large run freed back to the system.
#include <malloc.h>
