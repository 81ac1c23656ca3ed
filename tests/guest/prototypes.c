/*
 * prototypes.c - a guest image (tests/guest/arm64/prototypes.elf) of C functions whose
 * parameters a scenario call cannot fill, or can fill with only some values: a struct by
 * value, 1- and 2-byte integers, a pointer, a variadic function. test_strict_input checks
 * calls of them against their DWARF prototypes; they are never run.
 */
struct pair {
	long a, b;
};

long by_value(struct pair p)
{
	return p.a + p.b;
}

long narrow(unsigned char u, signed char s, short h)
{
	return u + s + h;
}

long first_char(const char *s)
{
	return s[0];
}

long count(int n, ...)
{
	return n;
}
