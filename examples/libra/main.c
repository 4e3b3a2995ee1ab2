/*
 * libra — the command-line client of libra_measures. It parses arguments, calls
 * the public API and prints; every rule about definitions and data is the library's.
 * This file picks the command; each has a file of its own (cmd-*.c).
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "files.h"
#include "libra.h"

static int run(int argc, char **argv);

int main(int argc, char **argv)
{
	files_handle_signals();
	return files_close_stdout(run(argc, argv));
}

/* Each command; it lives in cmd-NAME.c. */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{"list", cmd_list},   {"show", cmd_show},       {"check", cmd_check},
	{"score", cmd_score}, {"prepost", cmd_prepost}, {"report", cmd_report},
};

static int run(int argc, char **argv)
{
	const char *cmd;

	/* The library reads and writes numbers the same under every locale; the
	 * user's locale only changes the language of system error messages. */
	setlocale(LC_ALL, "");

	if (argc < 2)
		return usage_error("missing COMMAND", NULL);
	cmd = argv[1];
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("libra %s (built with libra_measures %s, running with %s)\n", LM_VERSION_STRING,
		       LM_VERSION_STRING, lm_version_string());
		return EXIT_OK;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		if (strcmp(cmd, "help") == 0 && argc > 3)
			return usage_error("help takes one COMMAND; unexpected", argv[3]);
		if (strcmp(cmd, "help") == 0 && argc == 3)
			return print_command_help(argv[2]);
		print_usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(cmd, commands[i].name) == 0) {
			help_set_command(commands[i].name);
			return commands[i].run(argc - 2, argv + 2);
		}
	return usage_error(cmd[0] == '-' ? "unknown option" : "unknown command", cmd);
}
