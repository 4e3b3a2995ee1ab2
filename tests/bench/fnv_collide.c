/*
 * Ids crafted against the id index of libra_measures 0.2 and earlier, for
 * tests/bench/hashflood.py: that index hashed ids with unseeded FNV-1a
 * (folded to 32 bits) into a table of 2^k slots (the smallest power of two
 * of at least 1024 and twice the rows) with linear probing. Ids whose slots
 * all fall among the first 256 form one run of occupied slots, so each
 * insertion and lookup walks it: quadratic time in the number of ids.
 *   fnv_collide N > ids.txt     (N ids of 9 characters, "X" and 8 of [0-9A-Z])
 * Found by walking the ids in order with the FNV state of each prefix kept,
 * so a candidate costs one step: about 2^(k - 8) candidates per id.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define LEN 8
static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

static uint64_t mask, wanted, found;
static char id[LEN + 2] = "X";

static void walk(int depth, uint64_t h)
{
	for (int d = 0; d < 36 && found < wanted; d++) {
		uint64_t g = (h ^ (unsigned char)digits[d]) * 1099511628211ull;
		id[1 + depth] = digits[d];
		if (depth + 1 < LEN) {
			walk(depth + 1, g);
		} else if ((((uint32_t)(g ^ (g >> 32))) & mask) < 256) {
			fwrite(id, 1, LEN + 1, stdout);
			putchar('\n');
			found++;
		}
	}
}

int main(int argc, char **argv)
{
	if (argc != 2 || atol(argv[1]) < 1) {
		fprintf(stderr, "usage: fnv_collide N\n");
		return 2;
	}
	wanted = (uint64_t)atol(argv[1]);
	uint64_t slots = 1024;
	while (slots < 2 * wanted)
		slots *= 2;
	mask = slots - 1;
	uint64_t h = (1469598103934665603ull ^ (unsigned char)'X') * 1099511628211ull;
	walk(0, h);
	if (found < wanted) {
		fprintf(stderr, "fnv_collide: only %llu ids found\n", (unsigned long long)found);
		return 1;
	}
	return fflush(stdout) ? 1 : 0;
}
