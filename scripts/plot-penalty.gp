# Cost added per call by the probes (this point minus the baseline with
# nothing attached, in the same repetition): Hodges-Lehmann estimate with the
# Wilcoxon signed-rank CI as error bars, one line per configuration and rate.
# Lines are shifted a little along x so that their bars do not hide each other.
#
# Variables (gnuplot -e): data, n (blocks in data), nrates, plot_title, outbase.
# Each block starts with a line holding its quoted legend title.

set title plot_title noenhanced
set xlabel "sampling ratio R (log2 scale)"
set ylabel "added cost per call vs nothing attached (ns/op), with CI"
set logscale x 2
set xtics (1, 2, 4, 8, 16, 32, 64, 128)
set xrange [0.8:160]
set grid ytics
set key outside right top noenhanced
set style data yerrorlines

colour(i) = word("#0072B2 #D55E00 #009E73 #CC79A7 #E69F00 #56B4E9 #000000 #F0E442", (i % 8) + 1)
shift(i) = 2 ** (0.06 * (i - (n - 1) / 2.0))

set terminal pngcairo size 1100,650 font "Sans,11"
set output outbase.".png"
plot 0 with lines lc rgb "#888888" lw 1 notitle, \
     for [i=0:n-1] data index i using ($1 * shift(i)):2:3:4 title columnheader(1) \
         lc rgb colour(i % nrates) lw 2 pt (7 + 2 * (i / nrates)) ps 0.8

set terminal svg size 1100,650 font "Sans,11" dynamic
set output outbase.".svg"
replot
set output
