/*
 * Blank, commented ICS and IXIT for an edition: what a supplier fills in.
 */
#ifndef ASSAY_TEMPLATE_H
#define ASSAY_TEMPLATE_H

#include "buf.h"
#include "catalogue.h"

int	asy_template_ics(const struct asy_catalogue *cat, struct asy_buf *out);
int	asy_template_ixit(const struct asy_catalogue *cat, struct asy_buf *out);

#endif
