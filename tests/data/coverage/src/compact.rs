// compact.rs: a checkpoint in Rust that no scenario covers (a fixture for `crashpoint coverage`).
pub fn compact() {
    fault_inject::maybe_panic_at("compact_before_swap");
}
