/*
 * Benchmark data: N respondents of PREFIX_1..PREFIX_K, values 1-5, about
 * MISS per mille of the cells blank. Deterministic (xorshift64*, SEED), fast
 * enough that 1e7 rows take seconds.
 *   gen PREFIX K N SEED MISS_PER_MILLE > file.csv
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t st;
static uint64_t next(void)
{
	st ^= st >> 12;
	st ^= st << 25;
	st ^= st >> 27;
	return st * 2685821657736338717ULL;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: gen PREFIX K N SEED MISS_PER_MILLE\n");
		return 2;
	}
	const char *prefix = argv[1];
	long k = atol(argv[2]), n = atol(argv[3]), miss = atol(argv[5]);
	st = strtoull(argv[4], NULL, 10) * 0x9E3779B97F4A7C15ULL + 1;
	static char buf[1 << 16];
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	printf("id");
	for (long j = 1; j <= k; j++)
		printf(",%s_%ld", prefix, j);
	putchar('\n');
	char line[1024];
	for (long i = 1; i <= n; i++) {
		int p = snprintf(line, sizeof(line), "R%08ld", i);
		for (long j = 0; j < k; j++) {
			uint64_t r = next() >> 32;
			line[p++] = ',';
			if ((long)(r % 1000) >= miss)
				line[p++] = (char)('1' + (r >> 10) % 5);
		}
		line[p++] = '\n';
		fwrite(line, 1, (size_t)p, stdout);
	}
	return fflush(stdout) ? 1 : 0;
}
