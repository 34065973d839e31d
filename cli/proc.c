/* cli/proc.c - placeholder, being written */
