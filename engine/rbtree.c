/*
 * rbtree.c - the intrusive red-black tree of rbtree.h, with augmentation.
 *
 * The rules (every path from a node down to a leaf crosses the same number of
 * black nodes; a red node has no red child; the root is black) keep the depth
 * under 2 log2(n + 1).  Insertion links a red leaf and repairs red-red
 * conflicts upwards; erasure unlinks the node (or its in-order successor in
 * its place) and, when a black node went missing, repairs the black height
 * from the node's old parent upwards.
 *
 * Augmented trees: a rotation changes the subtrees of exactly two nodes, so
 * the rotate callback recomputes them; erase moves the successor into the
 * erased node's place (copy) and recomputes from the deepest changed node up
 * (propagate).  The plain functions pass callbacks that do nothing.
 */
#include "rbtree.h"

static void dummy_propagate(struct rb_node *node, struct rb_node *stop)
{
	(void)node;
	(void)stop;
}

static void dummy_copy(struct rb_node *old, struct rb_node *new)
{
	(void)old;
	(void)new;
}

static const struct rb_augment_callbacks no_augment = {
	dummy_propagate, dummy_copy, dummy_copy,
};

static inline void set_parent(struct rb_node *n, struct rb_node *p)
{
	n->parent_color = (uintptr_t)p | (n->parent_color & 1);
}

static inline void set_parent_color(struct rb_node *n, struct rb_node *p, int color)
{
	n->parent_color = (uintptr_t)p | (uintptr_t)color;
}

static inline void set_black(struct rb_node *n)
{
	n->parent_color |= RB_BLACK;
}

static inline int is_red(const struct rb_node *n)
{
	return n != NULL && rb_color(n) == RB_RED;
}

/* Make parent (or the root) point at new where it pointed at old. */
static inline void replace_child(struct rb_node *old, struct rb_node *new,
				 struct rb_node *parent, struct rb_root *root)
{
	if (parent == NULL)
		root->node = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
}

/*
 * new (a child of old) takes old's place, parent and colour; old becomes
 * new's child with the given colour.  The caller has already moved the
 * subtree between them.
 */
static inline void rotate_parents(struct rb_node *old, struct rb_node *new,
				  struct rb_root *root, int color)
{
	struct rb_node *parent = rb_parent(old);

	new->parent_color = old->parent_color;
	set_parent_color(old, new, color);
	replace_child(old, new, parent, root);
}

/* Rotate so that old's left child becomes old's parent. */
static void rotate_right(struct rb_node *old, struct rb_root *root, int old_color,
			 const struct rb_augment_callbacks *aug)
{
	struct rb_node *new = old->left;
	struct rb_node *moved = new->right;

	old->left = moved;
	if (moved)
		set_parent(moved, old);
	new->right = old;
	rotate_parents(old, new, root, old_color);
	aug->rotate(old, new);
}

/* Rotate so that old's right child becomes old's parent. */
static void rotate_left(struct rb_node *old, struct rb_root *root, int old_color,
			const struct rb_augment_callbacks *aug)
{
	struct rb_node *new = old->right;
	struct rb_node *moved = new->left;

	old->right = moved;
	if (moved)
		set_parent(moved, old);
	new->left = old;
	rotate_parents(old, new, root, old_color);
	aug->rotate(old, new);
}

/*
 * Insertion repair.  node is red; while its parent is red too:
 *  - a red uncle: push the blackness down from the grandparent (recolour)
 *    and continue from the grandparent;
 *  - a black uncle: one or two rotations end the conflict.
 */
static void insert_fixup(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *aug)
{
	for (;;) {
		struct rb_node *parent = rb_parent(node), *gparent, *uncle;

		if (parent == NULL) {
			set_parent_color(node, NULL, RB_BLACK);
			return;
		}
		if (rb_is_black(parent))
			return;
		gparent = rb_parent(parent);	/* parent is red: not the root */
		uncle = gparent->left == parent ? gparent->right : gparent->left;
		if (is_red(uncle)) {
			set_black(uncle);
			set_black(parent);
			set_parent_color(gparent, rb_parent(gparent), RB_RED);
			node = gparent;
			continue;
		}
		if (gparent->left == parent) {
			if (parent->right == node) {
				rotate_left(parent, root, RB_RED, aug);
				parent = node;
			}
			set_black(parent);
			rotate_right(gparent, root, RB_RED, aug);
		} else {
			if (parent->left == node) {
				rotate_right(parent, root, RB_RED, aug);
				parent = node;
			}
			set_black(parent);
			rotate_left(gparent, root, RB_RED, aug);
		}
		return;
	}
}

void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	insert_fixup(node, root, &no_augment);
}

void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *aug)
{
	insert_fixup(node, root, aug);
}

/*
 * Erase repair: the subtree of parent on the side where node is (node may be
 * NULL) has one black node too few.  Borrow from the sibling's side.
 */
static void erase_fixup(struct rb_node *node, struct rb_node *parent,
			struct rb_root *root, const struct rb_augment_callbacks *aug)
{
	while (parent != NULL && rb_is_black(node)) {
		int left = parent->left == node;
		struct rb_node *sib = left ? parent->right : parent->left;

		if (is_red(sib)) {
			/* Make the sibling black by rotating the red one up. */
			set_black(sib);
			if (left)
				rotate_left(parent, root, RB_RED, aug);
			else
				rotate_right(parent, root, RB_RED, aug);
			sib = left ? parent->right : parent->left;
		}
		if (rb_is_black(sib->left) && rb_is_black(sib->right)) {
			/* Sibling side loses a black too; move the deficit up. */
			set_parent_color(sib, parent, RB_RED);
			node = parent;
			parent = rb_parent(node);
			continue;
		}
		/* Near child red, far child black: turn the sibling first. */
		if (left && rb_is_black(sib->right)) {
			rotate_right(sib, root, RB_RED, aug);
			sib = parent->right;
		} else if (!left && rb_is_black(sib->left)) {
			rotate_left(sib, root, RB_RED, aug);
			sib = parent->left;
		}
		/* The sibling's far child is red: one rotation at parent ends it. */
		if (left) {
			set_black(sib->right);
			rotate_left(parent, root, RB_BLACK, aug);
		} else {
			set_black(sib->left);
			rotate_right(parent, root, RB_BLACK, aug);
		}
		node = root->node;
		break;
	}
	if (node != NULL)
		set_black(node);
}

/*
 * Unlink node: with at most one child, the child takes its place; otherwise
 * its in-order successor does (taking its colour and cached value), and the
 * successor's right child takes the successor's old place.  Where a black
 * node went missing, erase_fixup() restores the black height.
 */
static void erase_node(struct rb_node *node, struct rb_root *root,
		       const struct rb_augment_callbacks *aug)
{
	struct rb_node *child, *fix_parent, *from;
	int removed_color;

	if (node->left == NULL || node->right == NULL) {
		/* At most one child: it takes node's place. */
		child = node->left ? node->left : node->right;
		fix_parent = rb_parent(node);
		removed_color = rb_color(node);
		replace_child(node, child, fix_parent, root);
		if (child)
			set_parent(child, fix_parent);
		from = fix_parent;
	} else {
		/* Two children: the in-order successor takes node's place. */
		struct rb_node *succ = node->right;

		while (succ->left)
			succ = succ->left;
		removed_color = rb_color(succ);
		child = succ->right;
		if (succ == node->right) {
			fix_parent = succ;
		} else {
			fix_parent = rb_parent(succ);
			fix_parent->left = child;
			if (child)
				set_parent(child, fix_parent);
			succ->right = node->right;
			set_parent(node->right, succ);
		}
		succ->left = node->left;
		set_parent(node->left, succ);
		replace_child(node, succ, rb_parent(node), root);
		succ->parent_color = node->parent_color;
		aug->copy(node, succ);
		/*
		 * succ now holds node's old value, which may count node itself:
		 * recompute below succ, then from succ up whatever happened below.
		 */
		if (fix_parent != succ)
			aug->propagate(fix_parent, succ);
		from = succ;
	}
	if (from)
		aug->propagate(from, NULL);
	if (removed_color == RB_BLACK)
		erase_fixup(child, fix_parent, root, aug);
	else if (child)
		set_black(child);
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	erase_node(node, root, &no_augment);
}

void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *aug)
{
	erase_node(node, root, aug);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->node;

	if (n == NULL)
		return NULL;
	while (n->left)
		n = n->left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->node;

	if (n == NULL)
		return NULL;
	while (n->right)
		n = n->right;
	return n;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	struct rb_node *parent;

	if (node->right) {
		node = node->right;
		while (node->left)
			node = node->left;
		return (struct rb_node *)node;
	}
	while ((parent = rb_parent(node)) != NULL && parent->right == node)
		node = parent;
	return parent;
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	struct rb_node *parent;

	if (node->left) {
		node = node->left;
		while (node->right)
			node = node->right;
		return (struct rb_node *)node;
	}
	while ((parent = rb_parent(node)) != NULL && parent->left == node)
		node = parent;
	return parent;
}

/* ---- building from sorted nodes -------------------------------------------- */

static struct rb_node *build_range(struct rb_node **nodes, size_t n, struct rb_node *parent,
				   unsigned depth, unsigned red_depth)
{
	struct rb_node *node;
	size_t mid = n / 2;

	if (n == 0)
		return NULL;
	node = nodes[mid];
	node->parent_color = (uintptr_t)parent | (depth == red_depth ? RB_RED : RB_BLACK);
	node->left = build_range(nodes, mid, node, depth + 1, red_depth);
	node->right = build_range(nodes + mid + 1, n - mid - 1, node, depth + 1, red_depth);
	return node;
}

void rb_build_sorted(struct rb_root *root, struct rb_node **nodes, size_t n)
{
	unsigned full = 0;	/* levels that are full: floor(log2(n + 1)) */

	while (((size_t)2 << full) - 1 <= n)
		full++;
	root->node = build_range(nodes, n, NULL, 0, full);
}
