/* cli/procmap.h - placeholder, being written */
