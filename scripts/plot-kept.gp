# Kept fraction (events received from the workload / calls it made) against
# the sampling ratio, one line per configuration and rate, with 1/R for
# reference.
#
# Variables (gnuplot -e): data, n (blocks in data), nrates, plot_title, outbase.
# Each block starts with a line holding its quoted legend title.

set title plot_title noenhanced
set xlabel "sampling ratio R (log2 scale)"
set ylabel "kept fraction (events / calls, log2 scale)"
set logscale x 2
set logscale y 2
set xtics (1, 2, 4, 8, 16, 32, 64, 128)
set format y "1/%.0f"
set xrange [0.8:160]
set grid
set key outside right top noenhanced

colour(i) = word("#0072B2 #D55E00 #009E73 #CC79A7 #E69F00 #56B4E9 #000000 #F0E442", (i % 8) + 1)
# Label the y axis as 1/R so it reads like the x axis.
set ytics ("1" 1, "1/2" 0.5, "1/4" 0.25, "1/8" 0.125, "1/16" 0.0625, "1/32" 0.03125, \
           "1/64" 0.015625, "1/128" 0.0078125, "1/256" 0.00390625)
set yrange [0.0039:1.5]

set terminal pngcairo size 1100,650 font "Sans,11"
set output outbase.".png"
plot (1.0 / x) with lines lc rgb "#888888" lw 3 dt 1 title "1/R (expected)", \
     for [i=0:n-1] data index i using 1:2 with linespoints title columnheader(1) \
         lc rgb colour(i % nrates) lw 1.5 pt (4 + 2 * (i / nrates)) ps 1.2

set terminal svg size 1100,650 font "Sans,11" dynamic
set output outbase.".svg"
replot
set output
