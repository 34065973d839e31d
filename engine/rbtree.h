/*
 * rbtree.h - an intrusive red-black tree with augmentation callbacks.
 *
 * Modelled on the idea of the Linux kernel's lib/rbtree.c (written afresh
 * here): the node lives inside the caller's structure, the parent pointer and
 * the colour share one word, and callers write their own search and link
 * steps, then call rb_insert_color() to rebalance.  An augmented tree passes
 * a struct rb_augment_callbacks so that a value cached per subtree (for
 * vmatool: the largest free gap) is kept exact through rotations and erase.
 *
 * Ownership: the tree owns nothing; nodes belong to whoever embeds them.
 */
#ifndef VMATOOL_RBTREE_H
#define VMATOOL_RBTREE_H

#include <stddef.h>
#include <stdint.h>

struct rb_node {
	uintptr_t parent_color;		/* parent pointer | colour bit (1 = black) */
	struct rb_node *right;
	struct rb_node *left;
};

struct rb_root {
	struct rb_node *node;
};

#define RB_ROOT_INIT ((struct rb_root){ NULL })
#define rb_entry(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define RB_RED   0
#define RB_BLACK 1

static inline struct rb_node *rb_parent(const struct rb_node *n)
{
	return (struct rb_node *)(n->parent_color & ~(uintptr_t)3);
}

static inline int rb_color(const struct rb_node *n)
{
	return (int)(n->parent_color & 1);
}

static inline int rb_is_black(const struct rb_node *n)
{
	return n == NULL || rb_color(n) == RB_BLACK;
}

/* Link a new red node below parent at *link (as found by the caller's search). */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **link)
{
	node->parent_color = (uintptr_t)parent;
	node->left = node->right = NULL;
	*link = node;
}

/*
 * Augmentation: propagate recomputes the cached value from node up to (not
 * including) stop; copy copies old's value to new when new takes old's place;
 * rotate is called after old was rotated below new (new takes old's value,
 * old is recomputed).  propagate may stop early at a node whose value comes
 * out unchanged: the tree calls it so that this is always exact.
 */
struct rb_augment_callbacks {
	void (*propagate)(struct rb_node *node, struct rb_node *stop);
	void (*copy)(struct rb_node *old, struct rb_node *new);
	void (*rotate)(struct rb_node *old, struct rb_node *new);
};

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *aug);
void rb_erase(struct rb_node *node, struct rb_root *root);
void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *aug);

/*
 * A valid tree of the n nodes nodes[0..n) (in order), built in O(n): halves
 * split at the middle, so every level but the last is full; the last is red,
 * the rest black.  Any tree the nodes were in is forgotten; the caller
 * recomputes augmented values.
 */
void rb_build_sorted(struct rb_root *root, struct rb_node **nodes, size_t n);

struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

#endif
