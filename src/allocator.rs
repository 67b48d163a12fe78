//! The global allocator: glibc's malloc with one arena, entered by one thread at a time
//! through a lock that spins before it sleeps.
//!
//! One arena keeps an idle screen's memory flat for days (`main.rs`, `one_malloc_arena`),
//! but a load allocates on every core at once, and glibc's arena lock puts a thread that
//! finds it held to sleep in the kernel at once: waking it costs more than the allocation it
//! waited for. Waiting here instead, spinning for as long as a malloc takes, glibc's own lock
//! is never contended. (A thread whose holder was preempted yields its core after a while.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

/// glibc's malloc, one caller at a time.
pub struct OneAtATime;

static HELD: AtomicBool = AtomicBool::new(false);

/// Spins before yielding the core: malloc holds the lock for well under a microsecond, so a
/// waiter usually spins through it; a holder preempted in the middle is waited out by
/// yielding.
const SPINS: u32 = 100;

struct Held;

impl Held {
    fn take() -> Held {
        let mut spins = 0;
        while HELD
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            while HELD.load(Ordering::Relaxed) {
                if spins < SPINS {
                    spins += 1;
                    std::hint::spin_loop();
                } else {
                    std::thread::yield_now();
                }
            }
        }
        Held
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        HELD.store(false, Ordering::Release);
    }
}

// SAFETY: every call is passed unchanged to `System`, which upholds the contract; the lock
// only orders the calls.
unsafe impl GlobalAlloc for OneAtATime {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _held = Held::take();
        // SAFETY: the caller's guarantees are `System`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let _held = Held::take();
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _held = Held::take();
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _held = Held::take();
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}
