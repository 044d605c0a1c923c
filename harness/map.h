/*
 * A string-keyed hash map of borrowed keys and values (open addressing,
 * FNV-1a).  Keys must outlive the map.  Used for ID lookups, where
 * declarations may hold 100,000 rows.
 */
#ifndef ASSAY_MAP_H
#define ASSAY_MAP_H

#include <stddef.h>

struct asy_map_slot {
	const char	*key;
	void		*value;
};

struct asy_map {
	struct asy_map_slot	*slots;
	size_t			 n;
	size_t			 cap;	/* power of two, or 0 */
};

void	asy_map_init(struct asy_map *m);
void	asy_map_release(struct asy_map *m);
/* Insert key; ASY_E_EXISTS (value unchanged) if present, ASY_E_NOMEM. */
int	asy_map_put(struct asy_map *m, const char *key, void *value);
/* The value for key, or NULL. */
void	*asy_map_get(const struct asy_map *m, const char *key);

#endif
