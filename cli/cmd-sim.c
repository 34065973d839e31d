/* cli/cmd-sim.c - placeholder, being written */
