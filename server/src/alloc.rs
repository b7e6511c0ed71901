//! The memory allocator of every binary that links the server: mimalloc.
//!
//! A card read allocates a few thousand short-lived strings and vectors
//! (the card's JSON, the rendered HTML, the reactive owners of the page).
//! Under `bench/load` glibc's malloc and free (`_int_free`,
//! `malloc_consolidate`, `unlink_chunk`) were a fifth of the server's
//! profile; mimalloc's thread-local free lists make that cheap. See the
//! README ("What we measured") for the figures before and after.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
