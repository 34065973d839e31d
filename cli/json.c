/* cli/json.c - placeholder, being written */
