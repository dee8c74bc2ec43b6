// cached.cpp: in a hidden folder, skipped by the scan.
void cached() { crashpoint::maybe_panic_at("in_hidden_folder"); }
