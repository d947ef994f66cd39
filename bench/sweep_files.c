// SPDX-License-Identifier: GPL-2.0
/*
 * Atomic text files, rate labels and paced rates for `ttmbench sweep`, `ttmbench ringbuf`
 * and `ttmbench advise`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "bench/sweep.h"

int ttm_sweep_write_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	size_t len = strlen(text);
	bool written;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.%d", dir, name, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	written = fwrite(text, 1, len, f) == len;
	if (fclose(f) || !written) {
		int err = errno ? errno : EIO;

		unlink(tmp);
		return -err;
	}
	if (rename(tmp, path)) {
		int err = errno;

		unlink(tmp);
		return -err;
	}
	return 0;
}

void ttm_sweep_rate_label(double rate, char *buf, size_t len)
{
	if (rate > 0)
		snprintf(buf, len, "%.0f", rate);
	else if (rate == TTM_SWEEP_RATE_PEAK)
		snprintf(buf, len, "peak");
	else
		snprintf(buf, len, "max");
}

bool ttm_sweep_has_peak(const struct ttm_sweep_params *p)
{
	for (int r = 0; r < p->nrates; r++)
		if (p->rates[r] == TTM_SWEEP_RATE_PEAK)
			return true;
	return false;
}

double ttm_sweep_paced_rate(const struct ttm_sweep *s, const struct ttm_sweep_point *pt)
{
	double rate = s->params.rates[pt->rate_index];
	const struct ttm_sweep_peak *peak = &s->peak[pt->syscall][pt->mode];

	if (rate == TTM_SWEEP_RATE_PEAK)
		return peak->measured ? peak->rate : 0;
	return rate;
}

const char *ttm_sweep_peak_setting(int config)
{
	static char buf[64];

	if (config == TTM_CONFIG_NONE)
		return "nothing attached";
	snprintf(buf, sizeof(buf), "%s at ratio 1", ttm_config_name(config));
	return buf;
}
