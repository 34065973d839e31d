/* bench/bench-engine.c - placeholder, being written */
