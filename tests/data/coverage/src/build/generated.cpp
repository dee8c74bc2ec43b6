// generated.cpp: build output, skipped by the scan.
void generated() { crashpoint::maybe_panic_at("in_build_folder"); }
