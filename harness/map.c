#include "map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static uint64_t
hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void
asy_map_init(struct asy_map *m)
{
	memset(m, 0, sizeof(*m));
}

void
asy_map_release(struct asy_map *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static struct asy_map_slot *
find(struct asy_map_slot *slots, size_t cap, const char *key)
{
	size_t i = (size_t)hash(key) & (cap - 1);

	while (slots[i].key != NULL && strcmp(slots[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int
grow(struct asy_map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	struct asy_map_slot *ns;

	ns = calloc(ncap, sizeof(*ns));
	if (ns == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key != NULL)
			*find(ns, ncap, m->slots[i].key) = m->slots[i];
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
	return 0;
}

int
asy_map_put(struct asy_map *m, const char *key, void *value)
{
	struct asy_map_slot *s;
	int r;

	if ((m->n + 1) * 4 > m->cap * 3) {
		r = grow(m);
		if (r < 0)
			return r;
	}
	s = find(m->slots, m->cap, key);
	if (s->key != NULL)
		return ASY_E_EXISTS;
	s->key = key;
	s->value = value;
	m->n++;
	return 0;
}

void *
asy_map_get(const struct asy_map *m, const char *key)
{
	struct asy_map_slot *s;

	if (m->cap == 0)
		return NULL;
	s = find(m->slots, m->cap, key);
	return s->key != NULL ? s->value : NULL;
}
