/*
 * whole_number.c - whole numbers as scenario files and the command line write them: plain
 * decimal ("0", "42") or 0x hex ("0x1f", "0X1F"), nothing else.
 *
 * strtoul and libcyaml read a number's first digits and drop the rest, so "1e3" was 1, "2.9"
 * 2, "10k" 10, "0b10" 0, and base 0 took "010" as octal 8. Here the whole text must be the
 * number: no sign, no exponent, fraction, suffix or blank, no leading zero (which C and YAML
 * 1.1 read as octal and a reader as decimal), and a value past 2^64 - 1 is an error, never a
 * saturation. Ranges are the caller's: each key and option has its own.
 */
#include <ctype.h>
#include <string.h>

#include "explorer.h"

static int digit_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

enum whole_number_status whole_number_parse(const char *text, size_t len, uint64_t *value)
{
	unsigned base = 10;
	size_t i = 0;
	uint64_t v = 0;

	if (len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (len > 1 && text[0] == '0' && isdigit((unsigned char)text[1])) {
		return WHOLE_NUMBER_LEADING_ZERO;
	}
	if (i == len)
		return WHOLE_NUMBER_MALFORMED;
	for (; i < len; i++) {
		int d = digit_value(text[i]);
		if (d < 0 || (unsigned)d >= base)
			return WHOLE_NUMBER_MALFORMED;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return WHOLE_NUMBER_TOO_LARGE;
		v = v * base + (uint64_t)d;
	}
	*value = v;
	return WHOLE_NUMBER_OK;
}

bool whole_number_in_range(const char *text, uint64_t min, uint64_t max, uint64_t *value)
{
	uint64_t v;

	if (whole_number_parse(text, strlen(text), &v) != WHOLE_NUMBER_OK || v < min || v > max)
		return false;
	*value = v;
	return true;
}
