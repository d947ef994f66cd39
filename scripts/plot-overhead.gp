# ns/op against the sampling ratio, one line per configuration and rate, with
# the order-statistics CI of the median as error bars; the baseline (nothing
# attached) as a dashed line in the colour of its rate.
#
# Variables (gnuplot -e): probe_data, nprobe (blocks in it), none_data, nnone,
# nrates, plot_title, outbase (PNG and SVG are written to outbase.png/.svg).
# Each block starts with a line holding its quoted legend title.

set title plot_title noenhanced
set xlabel "sampling ratio R (keeps 1/R of the calls, log2 scale)"
set ylabel "cost per call (ns/op): median, CI of the median"
set logscale x 2
set xtics (1, 2, 4, 8, 16, 32, 64, 128)
set xrange [0.8:160]
set grid ytics
set key outside right top noenhanced
set style data yerrorlines
# Room above and below, so a baseline at the lowest value does not sit on the axis.
set offsets 0, 0, graph 0.05, graph 0.05

colour(i) = word("#0072B2 #D55E00 #009E73 #CC79A7 #E69F00 #56B4E9 #000000 #F0E442", (i % 8) + 1)
# Lines are shifted a little along x so that their bars do not hide each other.
shift(i) = 2 ** (0.06 * (i - (nprobe - 1) / 2.0))

set terminal pngcairo size 1100,650 font "Sans,11"
set output outbase.".png"
plot for [i=0:nprobe-1] probe_data index i using ($1 * shift(i)):2:3:4 title columnheader(1) \
         lc rgb colour(i % nrates) lw 2 pt (7 + 2 * (i / nrates)) ps 0.8, \
     for [i=0:nnone-1] none_data index i using 1:2 with lines title columnheader(1) \
         lc rgb colour(i % nrates) lw 1.5 dt 2

set terminal svg size 1100,650 font "Sans,11" dynamic
set output outbase.".svg"
replot
set output
