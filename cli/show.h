/* cli/show.h - placeholder, being written */
