/*
 * test-rbtree.c - the intrusive red-black tree (engine/rbtree.c) on its own,
 * as the kernel's lib/rbtree_test.c tests its own: seeded random inserts and
 * erases of plain items, the red-black rules, parent links and in-order keys
 * checked after every step, with and without an augmented value (the largest
 * value of each subtree, the shape of the VMA tree's subtree gap).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbtree.h"
#include "tap.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* ---- the plain red-black tree ------------------------------------------------ */

struct item {
	struct rb_node rb;
	unsigned key;
	unsigned value, max;	/* max: largest value in the subtree */
	bool in;
};

static struct item *item_of(const struct rb_node *n)
{
	return n ? rb_entry(n, struct item, rb) : NULL;
}

static unsigned item_max(const struct item *it)
{
	unsigned m = it->value;

	if (it->rb.left && item_of(it->rb.left)->max > m)
		m = item_of(it->rb.left)->max;
	if (it->rb.right && item_of(it->rb.right)->max > m)
		m = item_of(it->rb.right)->max;
	return m;
}

/* Callbacks in the style the VMA tree uses: propagate stops when unchanged. */
static void item_propagate(struct rb_node *n, struct rb_node *stop)
{
	for (; n != stop; n = rb_parent(n)) {
		unsigned m = item_max(item_of(n));

		if (m == item_of(n)->max)
			break;
		item_of(n)->max = m;
	}
}

static void item_copy(struct rb_node *old, struct rb_node *new)
{
	item_of(new)->max = item_of(old)->max;
}

static void item_rotate(struct rb_node *old, struct rb_node *new)
{
	item_of(new)->max = item_of(old)->max;
	item_of(old)->max = item_max(item_of(old));
}

static const struct rb_augment_callbacks item_aug = {
	item_propagate, item_copy, item_rotate,
};

static bool maxes_exact(const struct rb_node *n)
{
	if (n == NULL)
		return true;
	return item_of(n)->max == item_max(item_of(n)) && maxes_exact(n->left) &&
	       maxes_exact(n->right);
}

/* Black height of n's subtree, or -1 if a rule is broken below n. */
static int rb_check(const struct rb_node *n, const struct rb_node *parent, unsigned *count)
{
	int l, r;

	if (n == NULL)
		return 1;
	if (rb_parent(n) != parent || (!rb_is_black(n) && parent && !rb_is_black(parent)))
		return -1;
	l = rb_check(n->left, n, count);
	r = rb_check(n->right, n, count);
	if (l < 0 || l != r)
		return -1;
	if (n->left && rb_entry(n->left, struct item, rb)->key >= rb_entry(n, struct item, rb)->key)
		return -1;
	if (n->right && rb_entry(n->right, struct item, rb)->key <= rb_entry(n, struct item, rb)->key)
		return -1;
	(*count)++;
	return l + rb_is_black(n);
}

static void rb_add(struct rb_root *root, struct item *it, bool augmented)
{
	struct rb_node **link = &root->node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = it->key < rb_entry(parent, struct item, rb)->key ? &parent->left : &parent->right;
	}
	rb_link_node(&it->rb, parent, link);
	it->in = true;
	if (!augmented) {
		rb_insert_color(&it->rb, root);
		return;
	}
	it->max = it->value;
	item_propagate(parent, NULL);
	rb_insert_augmented(&it->rb, root, &item_aug);
}

/*
 * rb_insert_color / rb_erase / first / last / next / prev without
 * augmentation, then the augmented calls keeping a subtree maximum.
 */
static void test_rb_plain(bool augmented)
{
	enum { N = 500 };
	static struct item items[N];
	struct rb_root root = RB_ROOT_INIT;
	unsigned bad = 0, live = 0;

	rng_state = 77;
	for (unsigned i = 0; i < N; i++)
		items[i] = (struct item){ .key = i * 3, .value = (unsigned)rnd_below(1000) };
	for (int step = 0; step < 4000; step++) {
		struct item *it = &items[rnd_below(N)];
		unsigned count = 0, walked = 0, last = 0;
		bool order = true;

		if (it->in) {
			if (augmented)
				rb_erase_augmented(&it->rb, &root, &item_aug);
			else
				rb_erase(&it->rb, &root);
			it->in = false;
			live--;
		} else {
			rb_add(&root, it, augmented);
			live++;
		}
		if ((root.node && !rb_is_black(root.node)) || rb_check(root.node, NULL, &count) < 0 ||
		    count != live || (augmented && !maxes_exact(root.node)))
			bad++;
		if (step % 50 != 0)
			continue;
		for (struct rb_node *n = rb_first(&root); n; n = rb_next(n), walked++) {
			unsigned key = rb_entry(n, struct item, rb)->key;

			if (walked && key <= last)
				order = false;
			last = key;
		}
		for (struct rb_node *n = rb_last(&root); n; n = rb_prev(n))
			walked--;
		if (!order || walked != 0)
			bad++;
	}
	ok(bad == 0, "%s rbtree: 4000 random inserts/erases keep every rule%s, next/prev walk "
	   "in order (%u bad)", augmented ? "augmented" : "plain",
	   augmented ? " and every subtree maximum" : "", bad);
	root = RB_ROOT_INIT;
	ok(rb_first(&root) == NULL && rb_last(&root) == NULL, "first/last of an empty tree");
}

/*
 * rb_build_sorted: a valid tree of every size up to 300 (black root, equal
 * black heights, no red-red, parents right, in order), which then takes
 * inserts and erases like any other.
 */
static void test_rb_build(void)
{
	enum { N = 300 };
	static struct item items[2 * N];
	struct rb_node *nodes[N];
	unsigned bad = 0, bad_after = 0;

	for (unsigned n = 0; n <= N; n++) {
		struct rb_root root = RB_ROOT_INIT;
		unsigned count = 0;

		for (unsigned i = 0; i < 2 * N; i++)
			items[i] = (struct item){ .key = i };
		for (unsigned i = 0; i < n; i++) {
			nodes[i] = &items[2 * i].rb;
			items[2 * i].in = true;
		}
		rb_build_sorted(&root, nodes, n);
		if ((root.node && !rb_is_black(root.node)) || rb_check(root.node, NULL, &count) < 0 ||
		    count != n)
			bad++;
		for (unsigned i = 0; i < n; i++) {	/* odd keys in, every fourth even key out */
			rb_add(&root, &items[2 * i + 1], false);
			if (i % 4 == 0)
				rb_erase(&items[2 * i].rb, &root);
		}
		count = 0;
		if ((root.node && !rb_is_black(root.node)) || rb_check(root.node, NULL, &count) < 0 ||
		    count != n + n - (n + 3) / 4)
			bad_after++;
	}
	ok(bad == 0, "rb_build_sorted: trees of 0 to 300 nodes keep every rule (%u bad)", bad);
	ok(bad_after == 0, "a built tree takes inserts and erases (%u bad)", bad_after);
}

int main(void)
{
	test_rb_plain(false);
	test_rb_plain(true);
	test_rb_build();
	return tap_done();
}
