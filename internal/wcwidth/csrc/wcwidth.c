// Prints, for each line of UTF-8 text on stdin, the cells libc's wcwidth
// gives its characters in the C.UTF-8 locale, as tmux measures them (a
// character of width -1, non-printable, counts 0 and is reported): "cells
// unprintable".
#define _XOPEN_SOURCE 700
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

int main(void) {
	if (!setlocale(LC_ALL, "C.UTF-8")) {
		fputs("no C.UTF-8 locale\n", stderr);
		return 2;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = 0;
		mbstate_t st;
		memset(&st, 0, sizeof st);
		int cells = 0, bad = 0;
		for (char *p = line; p < line + n;) {
			wchar_t wc;
			size_t len = mbrtowc(&wc, p, line + n - p, &st);
			if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
				bad++;
				p++;
				memset(&st, 0, sizeof st);
				continue;
			}
			int w = wcwidth(wc);
			if (w < 0)
				bad++;
			else
				cells += w;
			p += len;
		}
		printf("%d %d\n", cells, bad);
		fflush(stdout);
	}
	return 0;
}
