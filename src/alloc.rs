//! How glibc's allocator is tuned for a dashboard that runs for days (other allocators are
//! left as they are).
//!
//! glibc gives each thread that allocates its own arena (up to eight per core) and returns
//! little of them: the source's thread copies tenants the screen's thread frees, and with the
//! default arenas a wall-screen dashboard's RSS grew 17 % in 30 minutes (61 MB/h at 100 000
//! tenants) over a heap that stayed flat (heaptrack). One arena kept it flat but made a
//! million-tenant load queue on its lock (8.5 s to the first table, 5 s with one per core).
//! So: one arena per core, and free pages handed back now and then.

/// Called before any thread starts, as glibc asks.
pub fn arena_per_core() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let cores = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only sets an allocator parameter; no other thread exists yet.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, cores);
        }
    }
}

/// Hands the pages of free chunks back to the system (every arena, not only the top of the
/// heap): what fragmentation keeps resident, a soak sees as growth.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases memory the allocator holds free.
    unsafe {
        libc::malloc_trim(0);
    }
}
