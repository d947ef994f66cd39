// SPDX-License-Identifier: GPL-2.0
/* The outputs of `ttmbench compare`: a table on stdout, Markdown and JUnit XML (Mini-XML) files. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mxml.h>

#include "bench/compare.h"

static void format_ci(char *buf, size_t len, double estimate, double lower, double upper,
		      const char *unit)
{
	snprintf(buf, len, "%+.1f%s [%+.1f, %+.1f]", estimate, unit, lower, upper);
}

static void format_result(char *buf, size_t len, const struct ttm_compare_item *item)
{
	const struct ttm_interval *ci = &item->shift.ci;

	if (item->change == TTM_CHANGE_REGRESSION || item->change == TTM_CHANGE_IMPROVEMENT)
		snprintf(buf, len, "%s", ttm_change_name(item->change));
	else
		snprintf(buf, len, "%s: %s", ttm_change_name(item->change), item->note);
	if (ci->valid && ci->below_target && item->change != TTM_CHANGE_INSUFFICIENT) {
		size_t used = strlen(buf);

		snprintf(buf + used, len - used, " (CI level %.1f%%)", ci->level * 100);
	}
}

static void print_section(FILE *out, const struct ttm_compare *cmp, enum ttm_compare_kind kind)
{
	const char *first = kind == TTM_COMPARE_CELL ? "cell" : "penalty";
	const char *medians = kind == TTM_COMPARE_CELL ? "median ns/op" : "median penalty ns";

	fprintf(out, "%-46s %-6s %-20s %-30s %-28s %s\n", first, "n", medians,
		"change ns/op [95% CI]", "change % [95% CI]", "result");
	for (size_t i = 0; i < cmp->nitems; i++) {
		const struct ttm_compare_item *it = &cmp->items[i];
		char label[160], n[24], med[48], ns[64], pct[64], result[TTM_COMPARE_TEXT_LEN + 32];

		if (it->kind != kind)
			continue;
		ttm_compare_item_label(it, label, sizeof(label));
		snprintf(n, sizeof(n), "%zu/%zu", it->shift.n_base, it->shift.n_new);
		snprintf(med, sizeof(med), "%.1f -> %.1f", it->base_median, it->new_median);
		format_ci(ns, sizeof(ns), it->shift.estimate, it->shift.ci.lower, it->shift.ci.upper,
			  "");
		format_ci(pct, sizeof(pct), it->rel_pct, it->rel_lower_pct, it->rel_upper_pct, "%");
		format_result(result, sizeof(result), it);
		fprintf(out, "%-46s %-6s %-20s %-30s %-28s %s\n", label, n, med, ns, pct, result);
	}
}

void ttm_compare_print(FILE *out, const struct ttm_compare *cmp)
{
	for (size_t i = 0; i < cmp->nwarnings; i++)
		fprintf(out, "%s\n", cmp->warnings[i]);
	if (cmp->nwarnings)
		fprintf(out, "\n");
	fprintf(out,
		"A change counts only when its whole 95%% CI lies beyond +/-%g%%; n is the "
		"successful repetitions (baseline/new).\n\n",
		cmp->threshold_pct);
	print_section(out, cmp, TTM_COMPARE_CELL);
	if (cmp->npenalties) {
		fprintf(out, "\nPenalties (relative change: in %% of the baseline median of the "
			     "configuration subtracted)\n");
		print_section(out, cmp, TTM_COMPARE_PENALTY);
	}
	fprintf(out, "\n%zu regression%s, %zu improvement%s, %zu unchanged, %zu insufficient",
		cmp->count[TTM_CHANGE_REGRESSION], cmp->count[TTM_CHANGE_REGRESSION] == 1 ? "" : "s",
		cmp->count[TTM_CHANGE_IMPROVEMENT], cmp->count[TTM_CHANGE_IMPROVEMENT] == 1 ? "" : "s",
		cmp->count[TTM_CHANGE_UNCHANGED], cmp->count[TTM_CHANGE_INSUFFICIENT]);
	fprintf(out, " (%zu cells, %zu penalties", cmp->ncells, cmp->npenalties);
	if (cmp->skipped_cells)
		fprintf(out, "; %zu common cells not compared: no successful repetition in one run",
			cmp->skipped_cells);
	fprintf(out, ")\n");
}

/* Open PATH's temporary sibling; *tmp receives its name. */
static FILE *open_temporary(const char *path, char *tmp, size_t len)
{
	snprintf(tmp, len, "%s.tmp.%d", path, (int)getpid());
	return fopen(tmp, "w");
}

static int finish_temporary(FILE *f, const char *tmp, const char *path)
{
	int err = 0;

	if (ferror(f))
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

static void markdown_section(FILE *f, const struct ttm_compare *cmp, enum ttm_compare_kind kind)
{
	fprintf(f, "| %s | n (baseline/new) | median baseline -> new (ns) | change ns/op [95%% CI] "
		   "| change %% [95%% CI] | result |\n",
		kind == TTM_COMPARE_CELL ? "cell" : "penalty");
	fprintf(f, "| --- | --- | --- | --- | --- | --- |\n");
	for (size_t i = 0; i < cmp->nitems; i++) {
		const struct ttm_compare_item *it = &cmp->items[i];
		char label[160], ns[64], pct[64], result[TTM_COMPARE_TEXT_LEN + 32];

		if (it->kind != kind)
			continue;
		ttm_compare_item_label(it, label, sizeof(label));
		format_ci(ns, sizeof(ns), it->shift.estimate, it->shift.ci.lower, it->shift.ci.upper,
			  "");
		format_ci(pct, sizeof(pct), it->rel_pct, it->rel_lower_pct, it->rel_upper_pct, "%");
		format_result(result, sizeof(result), it);
		fprintf(f, "| %s | %zu/%zu | %.1f -> %.1f | %s | %s | %s%s%s |\n", label,
			it->shift.n_base, it->shift.n_new, it->base_median, it->new_median, ns, pct,
			it->change == TTM_CHANGE_REGRESSION ? "**" : "", result,
			it->change == TTM_CHANGE_REGRESSION ? "**" : "");
	}
}

int ttm_compare_write_markdown(const char *path, const struct ttm_compare *cmp,
			       const char *base_desc, const char *new_desc)
{
	char tmp[PATH_MAX];
	FILE *f = open_temporary(path, tmp, sizeof(tmp));

	if (!f)
		return -errno;
	fprintf(f, "# ttmbench compare\n\n");
	fprintf(f, "- baseline: %s\n- new: %s\n", base_desc, new_desc);
	for (size_t i = 0; i < cmp->nwarnings; i++)
		fprintf(f, "- **%s**\n", cmp->warnings[i]);
	fprintf(f, "- threshold: a change counts only when its whole 95%% CI lies beyond "
		   "+/-%g%%\n\n",
		cmp->threshold_pct);
	fprintf(f, "%zu regressions, %zu improvements, %zu unchanged, %zu insufficient.\n\n",
		cmp->count[TTM_CHANGE_REGRESSION], cmp->count[TTM_CHANGE_IMPROVEMENT],
		cmp->count[TTM_CHANGE_UNCHANGED], cmp->count[TTM_CHANGE_INSUFFICIENT]);
	fprintf(f, "## Cells\n\n");
	markdown_section(f, cmp, TTM_COMPARE_CELL);
	if (cmp->npenalties) {
		fprintf(f, "\n## Penalties\n\nRelative change: in %% of the baseline median of the "
			   "configuration subtracted.\n\n");
		markdown_section(f, cmp, TTM_COMPARE_PENALTY);
	}
	return finish_temporary(f, tmp, path);
}

static void add_testcase(mxml_node_t *suite, const struct ttm_compare_item *it,
			 const char *suite_name)
{
	char label[160], classname[64], ns[64], pct[64], text[512];
	mxml_node_t *testcase, *child;

	ttm_compare_item_label(it, label, sizeof(label));
	snprintf(classname, sizeof(classname), "ttmbench.compare.%s", suite_name);
	format_ci(ns, sizeof(ns), it->shift.estimate, it->shift.ci.lower, it->shift.ci.upper,
		  " ns/op");
	format_ci(pct, sizeof(pct), it->rel_pct, it->rel_lower_pct, it->rel_upper_pct, "%");
	snprintf(text, sizeof(text), "%s: change %s, %s (95%% CI, n %zu/%zu): %s",
		 ttm_change_name(it->change), ns, pct, it->shift.n_base, it->shift.n_new, it->note);

	testcase = mxmlNewElement(suite, "testcase");
	mxmlElementSetAttr(testcase, "classname", classname);
	mxmlElementSetAttr(testcase, "name", label);
	mxmlElementSetAttr(testcase, "time", "0");

	if (it->change == TTM_CHANGE_REGRESSION) {
		child = mxmlNewElement(testcase, "failure");
		mxmlElementSetAttr(child, "type", "regression");
		mxmlElementSetAttr(child, "message", text);
		mxmlNewOpaque(child, text);
	} else if (it->change == TTM_CHANGE_INSUFFICIENT) {
		child = mxmlNewElement(testcase, "skipped");
		mxmlElementSetAttr(child, "message", it->note);
	} else {
		child = mxmlNewElement(testcase, "system-out");
		mxmlNewOpaque(child, text);
	}
}

/* The JUnit schema puts <properties> first in a testsuite: one "warning" property per line. */
static void add_warning_properties(mxml_node_t *suite, const struct ttm_compare *cmp)
{
	mxml_node_t *properties, *property;

	if (!cmp->nwarnings)
		return;
	properties = mxmlNewElement(suite, "properties");
	for (size_t i = 0; i < cmp->nwarnings; i++) {
		property = mxmlNewElement(properties, "property");
		mxmlElementSetAttr(property, "name", "warning");
		mxmlElementSetAttr(property, "value", cmp->warnings[i]);
	}
}

static void add_suite(mxml_node_t *root, const struct ttm_compare *cmp,
		      enum ttm_compare_kind kind, const char *name, size_t tests)
{
	size_t failures = 0, skipped = 0;
	mxml_node_t *suite;

	for (size_t i = 0; i < cmp->nitems; i++) {
		if (cmp->items[i].kind != kind)
			continue;
		failures += cmp->items[i].change == TTM_CHANGE_REGRESSION;
		skipped += cmp->items[i].change == TTM_CHANGE_INSUFFICIENT;
	}

	suite = mxmlNewElement(root, "testsuite");
	mxmlElementSetAttr(suite, "name", name);
	mxmlElementSetAttrf(suite, "tests", "%zu", tests);
	mxmlElementSetAttrf(suite, "failures", "%zu", failures);
	mxmlElementSetAttrf(suite, "skipped", "%zu", skipped);
	mxmlElementSetAttr(suite, "errors", "0");
	add_warning_properties(suite, cmp);
	for (size_t i = 0; i < cmp->nitems; i++)
		if (cmp->items[i].kind == kind)
			add_testcase(suite, &cmp->items[i], name);
}

/* One element per line: a newline after each closing tag and after opening tags without text. */
static const char *junit_whitespace(mxml_node_t *node, int where)
{
	mxml_node_t *first = mxmlGetFirstChild(node);

	if (where == MXML_WS_AFTER_CLOSE)
		return "\n";
	/* An element without children is written as <x />, followed by AFTER_OPEN only. */
	if (where == MXML_WS_AFTER_OPEN && (!first || mxmlGetType(first) == MXML_ELEMENT))
		return "\n";
	return NULL;
}

int ttm_compare_write_junit(const char *path, const struct ttm_compare *cmp)
{
	mxml_node_t *xml = mxmlNewXML("1.0"), *root;
	char tmp[PATH_MAX];
	FILE *f;
	int err;

	if (!xml)
		return -ENOMEM;
	root = mxmlNewElement(xml, "testsuites");
	mxmlElementSetAttr(root, "name", "ttmbench compare");
	mxmlElementSetAttrf(root, "tests", "%zu", cmp->nitems);
	mxmlElementSetAttrf(root, "failures", "%zu", cmp->count[TTM_CHANGE_REGRESSION]);
	add_suite(root, cmp, TTM_COMPARE_CELL, "cells", cmp->ncells);
	add_suite(root, cmp, TTM_COMPARE_PENALTY, "penalties", cmp->npenalties);

	f = open_temporary(path, tmp, sizeof(tmp));
	if (!f) {
		err = -errno;
		mxmlDelete(xml);
		return err;
	}
	/* mxml escapes &, <, > and " in attribute values and text when it writes them. */
	mxmlSetWrapMargin(0);
	err = mxmlSaveFile(xml, f, junit_whitespace) ? -EIO : 0;
	mxmlDelete(xml);
	if (err) {
		fclose(f);
		unlink(tmp);
		return err;
	}
	return finish_temporary(f, tmp, path);
}
