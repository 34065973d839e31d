/* engine/rbtree.c - placeholder, being written */
