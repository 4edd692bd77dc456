//! The binary's allocator: mimalloc, counted by `cap` so that a script's
//! `--max-memory` can be checked, and bounded: past the process's limit an
//! allocation ends the process with a clear error (exit code 1) instead of
//! growing until the system kills it. The interpreter and the renderers
//! stop with their own, more precise errors well before this; it is the
//! backstop for whatever they did not foresee.

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout};
use std::sync::OnceLock;

/// mimalloc, counted and bounded.
pub struct Bounded(cap::Cap<mimalloc::MiMalloc>);

impl Bounded {
    /// No limit until [`set_limit`] sets one.
    pub const fn new() -> Self {
        Bounded(cap::Cap::new(mimalloc::MiMalloc, usize::MAX))
    }

    /// Called when the allocator returned nothing: if the limit refused the
    /// request, the process ends with the message [`set_limit`] stored. It
    /// writes with `write(2)` and ends with `_exit(2)`: nothing here may
    /// allocate or take a lock the failed allocation's caller may hold.
    /// Temporary files of a write in progress stay; the next write into
    /// their folder removes them.
    fn refused(&self, size: usize) {
        if self.0.remaining() < size {
            if let Some(message) = MESSAGE.get() {
                // SAFETY: a valid buffer of that length; fd 2 may be closed,
                // which only makes the write fail.
                unsafe {
                    libc::write(2, message.as_ptr().cast(), message.len());
                }
            }
            // SAFETY: ends the process without running anything else.
            unsafe { libc::_exit(1) }
        }
    }
}

// SAFETY: every call is passed to `cap` (and so to mimalloc) unchanged;
// `refused` only ever ends the process.
unsafe impl GlobalAlloc for Bounded {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { self.0.alloc(layout) };
        if p.is_null() {
            self.refused(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if p.is_null() {
            self.refused(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if p.is_null() {
            self.refused(new_size.saturating_sub(layout.size()));
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Bounded = Bounded::new();

/// The error printed when the limit is reached.
static MESSAGE: OnceLock<String> = OnceLock::new();

/// Bytes allocated now.
pub fn in_use() -> usize {
    ALLOCATOR.0.allocated()
}

/// Bounds the process at `limit` bytes; `option` names the option that
/// sets it, for the message.
pub fn set_limit(limit: usize, option: &str) {
    let _ = MESSAGE.set(format!(
        "error: gradviz needs more than its memory limit of {} MiB, and stopped\n  \
         help: that limit is 1.5 × {option}; raise it if this is intended, or draw a smaller graph\n",
        limit >> 20
    ));
    // Fails only if more is in use already; then the limit stays off.
    let _ = ALLOCATOR.0.set_limit(limit);
}
