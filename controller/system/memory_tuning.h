// How the controller process keeps its memory and threads small
// (docs/benchmarks.md: RSS at 10 000 runtimes, API requests per second).
#pragma once

namespace rtm {

// glibc's malloc gives threads that allocate at the same time their own
// arenas (up to 8 per core) and keeps what an arena freed for its next use.
// Here dozens of threads (workers, the API's pool) each build short-lived
// megabytes (a list of every runtime, a manifest scan), so the process
// would keep one such peak per arena. Two arenas bound that; big blocks
// get their own mappings (returned to the system on free) instead of the
// adaptive threshold that moves them into the arenas after the first free.
// Call before any thread starts.
void LimitAllocatorRetention();

// Hands the free pages of every arena back to the system; cheap next to
// the work that freed them. Call after bursts (start-up) and periodically.
void ReleaseFreeMemory();

// cpprestsdk's shared pool (40 threads by default) runs the API's handlers
// and socket I/O. No handler waits on a write or a watcher, so a small pool
// serves every request: measured on 2 cores, single-runtime GETs went from
// ~5 000 req/s with 40 threads to ~16 000 with 8 (docs/benchmarks.md). A
// handler that waits on the engine (/readyz, /v1/plan) holds one thread.
// Call before anything uses cpprestsdk.
void SizeHttpThreadPool();

}  // namespace rtm
