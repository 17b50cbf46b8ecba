package memx

// #include <malloc.h>
import "C"

// Trim returns freed C heap memory to the OS.
func Trim() { C.malloc_trim(0) }
