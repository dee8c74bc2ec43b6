// The crashpoint executable: a thin main over the harness library.
#include "cli.hpp"

int main(int argc, char** argv) { return crashpoint::harness::run_cli(argc, argv); }
