#include "error.h"

#include "util.h"

static const struct {
	int		 code;
	const char	*text;
} errors[] = {
	{ ASY_OK,		"success" },
	{ ASY_E_NOMEM,		"out of memory" },
	{ ASY_E_TOOBIG,		"larger than allowed" },
	{ ASY_E_IO,		"input/output error" },
	{ ASY_E_INPUT,		"invalid input" },
	{ ASY_E_USAGE,		"invalid usage" },
	{ ASY_E_NOTFOUND,	"not found" },
	{ ASY_E_EXISTS,		"already exists" },
	{ ASY_E_CRYPTO,		"cryptographic operation failed" },
	{ ASY_E_INTERNAL,	"internal error" },
	{ ASY_E_MISMATCH,	"verification found differences" },
	{ ASY_E_NOTREG,		"not a regular file" },
	{ ASY_E_TIMEOUT,	"timed out" },
	{ ASY_E_CLOSED,		"connection closed by the peer" },
	{ ASY_E_REFUSED,	"connection refused" },
	{ ASY_E_PROTO,		"protocol error from the peer" },
	{ ASY_E_STOPPED,	"stopped by a signal" },
	{ ASY_E_BUSY,		"in use by another process" },
};

const char *
asy_strerror(int err)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(errors); i++)
		if (errors[i].code == err)
			return errors[i].text;
	return "unknown error";
}
