// SPDX-License-Identifier: GPL-2.0
/*
 * ldirectord.cf line by line, as read_config() reads it: a global
 * directive starts its line; the lines of a virtual section are indented
 * by at least 4 columns, a tab counting 4 (ldirectord turns each tab into 4
 * spaces and wants ^ {4,}); '#' starts a comment.  Where ldirectord is
 * looser than it means to be we are stricter, and where it refuses what
 * has one plain meaning we take it:
 *   - '#' inside quotes is text (ldirectord cuts a section line at any '#',
 *     which breaks the line; global lines it does not cut at all);
 *   - a blank line inside a section does not end it (ldirectord ends the
 *     section there and then refuses the indented lines after it);
 *   - a line may end in CR LF; trailing blanks are dropped (ldirectord
 *     refuses "quiescent=yes ").
 */
#include <stdlib.h>
#include <string.h>
#include "config_int.h"

static size_t line_indent(const char *s, size_t *cols)
{
	size_t i = 0;

	*cols = 0;
	for (; s[i] == ' ' || s[i] == '\t'; i++)
		*cols += s[i] == '\t' ? 4 : 1;
	return i;
}

/* Cut s at its comment and its trailing blanks. */
static void line_strip(char *s)
{
	bool quoted = false;
	size_t n, q;
	char *e;

	for (e = s; *e; e++) {
		if (!quoted && *e == '#')
			break;
		if ((q = hd_cf_open_quote(e)) && !quoted) {
			quoted = true;
			e += q - 1;
		} else if ((q = hd_cf_close_quote(e)) && quoted) {
			quoted = false;
			e += q - 1;
		}
	}
	*e = 0;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = 0;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool is_virtual_open(const char *name)
{
	return !strcmp(name, "virtual") || !strcmp(name, "virtual6");
}

/* An unknown name, or a known one in the wrong place. */
static void line_misplaced(struct hd_cf *p, const char *name, bool in_virtual)
{
	if (in_virtual && (hd_cf_is_global(name) || is_virtual_open(name)))
		hd_cf_error(p, "not valid in a virtual section (a global "
			    "directive starts its line)");
	else if (!in_virtual && hd_cf_is_virtual(name))
		hd_cf_error(p, "only valid in a virtual section (indented "
			    "under virtual=)");
	else
		hd_cf_error(p, "unknown directive");
}

static void line_dispatch(struct hd_cf *p, size_t cols, const char *name,
			  const char *val)
{
	if (cols > 0 && cols < 4) {
		hd_cf_error(p, "indented by %zu: a virtual section's lines take "
			    "at least 4 spaces or a tab, a global directive "
			    "none", cols);
		return;
	}
	if (cols >= 4) {
		if (!p->in_section)
			hd_cf_error(p, "indented, but not under a virtual= line");
		else if (hd_cf_is_virtual(name))
			hd_cf_virtual_line(p, name, val);
		else
			line_misplaced(p, name, true);
		return;
	}
	if (p->in_section)
		hd_cf_virtual_close(p);
	if (is_virtual_open(name))
		hd_cf_virtual_open(p, val, name[7] == '6');
	else if (hd_cf_is_global(name))
		hd_cf_global(p, name, val);
	else
		line_misplaced(p, name, false);
}

/* One line, NUL-terminated, without its newline. */
static void line_parse(struct hd_cf *p, char *s)
{
	size_t cols, i = line_indent(s, &cols), n;
	char *name, *val = NULL;

	if (!s[i] || s[i] == '#')
		return;
	line_strip(s + i);
	name = s + i;
	for (n = 0; name_char(name[n]); n++)
		;
	if (!n) {
		p->directive = NULL;
		hd_cf_error(p, "unknown directive \"%.40s\"", name);
		return;
	}
	val = name + n;
	while (*val == ' ' || *val == '\t')
		val++;
	if (*val == '=') {
		for (val++; *val == ' ' || *val == '\t'; val++)
			;
	} else {
		bool bare = !*val;

		name[n] = 0;
		p->directive = name;
		if (!hd_cf_is_global(name) && !hd_cf_is_virtual(name) &&
		    !is_virtual_open(name)) {
			hd_cf_error(p, "unknown directive");
			return;
		}
		/* ldirectord's one bare word: "supervised". */
		if (!bare || strcmp(name, "supervised")) {
			hd_cf_error(p, "\"%s = value\" expected", name);
			return;
		}
		val = NULL;
	}
	name[n] = 0;
	p->directive = name;
	line_dispatch(p, cols, name, val);
}

void hd_cf_read(struct hd_cf *p, const char *text, size_t len)
{
	size_t off = 0;

	for (p->line = 1; off < len && !p->nomem; p->line++) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
		char *s;

		p->directive = NULL;
		if (memchr(text + off, 0, n)) {
			hd_cf_error(p, "a NUL byte in the line");
		} else {
			s = hd_cf_strndup(p, text + off, n);
			if (!s)
				break;
			if (n && s[n - 1] == '\r')
				s[n - 1] = 0;
			line_parse(p, s);
			free(s);
		}
		off += n + 1;
	}
	p->directive = NULL;
	if (p->in_section)
		hd_cf_virtual_close(p);
}
