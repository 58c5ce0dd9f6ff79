//! The floor (`floor.rs`) with mimalloc, the allocator healthpress's binary uses. The
//! floor keeps the system allocator, as it has since it was written; bench/compare.py
//! times this one beside it, so that how much of a ratio is the allocator shows.
//!
//! cargo run --release --example floor_mimalloc -- check DIR

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "floor.rs"]
mod floor;

fn main() {
    floor::main();
}
