/* own_count.c - a scenario's own C source (bad_proto_own_source.yaml): its prototype is read
 * from the DWARF of the image built with it, as the bundled functions' are. */
unsigned long own_count(unsigned long n, unsigned int step)
{
	return n + step;
}
