/* tests/recorder.c - placeholder, being written */
