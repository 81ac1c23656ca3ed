/*
 * schedule_code.c - one character of a schedule: which hart takes the transition, and which
 * version of its first instruction it fetches when the fetch model leaves it a choice.
 *
 * A digit '0'..'7' is hart 0..7 fetching the newest version (every schedule of the coherent
 * model). A letter is a hart fetching an older one: "ABCDEFGH" are harts 0..7 taking the
 * second newest, "IJKLMNOP" the third, "QRSTUVWX" the fourth, then "abcdefgh", "ijklmnop",
 * "qrstuvwx" the fifth to the seventh. "YZyz89" are harts 0..5 taking their interrupt
 * (interrupt.c) before the transition.
 *
 * Under memory: arch a transition's data access may take a choice too (datamem.c): choice d > 0
 * follows the character as ".d", d one of "123456789abcdefghijklmnopqrstuvwxyz".
 */
#include <string.h>

#include "exec.h"

static const char older[] = "ABCDEFGHIJKLMNOPQRSTUVWXabcdefghijklmnopqrstuvwx";
static const char interrupted[SCN_MAX_IRQ_HARTS + 1] = "YZyz89";

char schedule_code(unsigned hart, unsigned alternative)
{
	if (alternative == EX_ALT_INTERRUPT)
		return hart < SCN_MAX_IRQ_HARTS ? interrupted[hart] : '?';
	if (alternative == 0)
		return (char)('0' + hart);
	return older[(alternative - 1) * SCN_MAX_HARTS + hart];
}

bool schedule_decode(char c, unsigned *hart, unsigned *alternative)
{
	if (c >= '0' && c < '0' + SCN_MAX_HARTS) {
		*hart = (unsigned)(c - '0');
		*alternative = 0;
		return true;
	}
	for (unsigned i = 0; interrupted[i]; i++)
		if (interrupted[i] == c) {
			*hart = i;
			*alternative = EX_ALT_INTERRUPT;
			return true;
		}
	for (unsigned i = 0; older[i]; i++)
		if (older[i] == c) {
			*hart = i % SCN_MAX_HARTS;
			*alternative = i / SCN_MAX_HARTS + 1;
			return true;
		}
	return false;
}

static const char data_digits[] = "123456789abcdefghijklmnopqrstuvwxyz";

void schedule_render(const struct explorer *x, unsigned from, unsigned to, char *out, size_t cap)
{
	size_t n = 0;

	for (unsigned i = from; i < to && n + 3 < cap; i++) {
		out[n++] = x->st.schedule[i];
		if (x->st.dalt[i] && x->st.dalt[i] < EX_MAX_DATA_ALTERNATIVES) {
			out[n++] = '.';
			out[n++] = data_digits[x->st.dalt[i] - 1];
		}
	}
	if (cap)
		out[n < cap ? n : cap - 1] = 0;
}

bool schedule_next(const char **text, unsigned *hart, unsigned *alternative)
{
	const char *p = *text;

	if (!schedule_decode(*p, hart, alternative))
		return false;
	p++;
	if (*p == '.') {
		const char *d = p[1] ? strchr(data_digits, p[1]) : NULL;

		if (!d)
			return false;
		*alternative |= (unsigned)(d - data_digits + 1) << EX_ALT_DATA_SHIFT;
		p += 2;
	}
	*text = p;
	return true;
}
