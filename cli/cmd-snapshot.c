/* cli/cmd-snapshot.c - placeholder, being written */
