// Package cmem tunes the C allocator (glibc malloc) that OpenCV and the graphics driver use.
package cmem

// #include <malloc.h>
import "C"

// ReturnLargeBlocks makes glibc give blocks of 256 KiB and more back to the system as soon as
// they are freed. By default it raises that threshold as large blocks come and go, and then
// keeps camera frames and image buffers (megabytes each, allocated and freed all the time by
// OpenCV) in its heap: the kiosk's memory grew by about 40 MB over a few sessions. Call it once,
// early, before the C libraries allocate much.
func ReturnLargeBlocks() bool {
	return C.mallopt(C.M_MMAP_THRESHOLD, 256<<10) == 1
}
