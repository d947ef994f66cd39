# Penalties per run with their CI at each run's own level, for `ttmbench trend --plot`.
#
# ttmbench runs gnuplot with a settings file first, which sets:
#   datafile    columns: run, then estimate, CI lower, CI upper (ns per call)
#               for the native, ia32 and tracepoint penalties; "nan" = none
#   outfile     the output file
#   fmt         "png" or "svg"
#   plottitle   the title
#   has_native, has_ia32, has_tracepoint   1 when the series has a value
# and the x tics (one label per run, at most 20).

if (fmt eq "svg") {
	set terminal svg size 1100,600 dynamic enhanced font "sans,12"
} else {
	set terminal pngcairo size 1100,600 enhanced font "sans,11"
}
set output outfile

set title plottitle noenhanced
set xlabel "run (end time, UTC)"
set ylabel "penalty (ns per call; estimate and CI (level per row))"
set key outside top center horizontal box
set grid ytics
set xzeroaxis linetype 0 linewidth 1
set xtics rotate by -30 left noenhanced
set datafile missing "nan"
set bars 2

series = ""
if (has_native) {
	series = series . sprintf("'%s' using 1:2:3:4 with yerrorlines linewidth 2 pointtype 7 title 'native penalty: full - tp, native calls'", datafile)
}
if (has_ia32) {
	series = series . (strlen(series) ? ", " : "") . sprintf("'%s' using 1:5:6:7 with yerrorlines linewidth 2 pointtype 5 title 'ia32 penalty: kprobe - none, ia32 calls'", datafile)
}
if (has_tracepoint) {
	series = series . (strlen(series) ? ", " : "") . sprintf("'%s' using 1:8:9:10 with yerrorlines linewidth 2 pointtype 9 title 'tracepoint penalty: tp - none, native calls'", datafile)
}
eval("plot " . series)
