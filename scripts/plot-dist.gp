# Distribution of ns/op over the repetitions of every point of one rate: a box
# from the first to the third quartile with the median, whiskers to the min and
# max, and each repetition as a dot.
#
# Variables (gnuplot -e): box_data (x, label, min, q1, median, q3, max per
# line), raw_data (x, ns/op per line), ncat, plot_title, outbase.

set title plot_title noenhanced
set xlabel "configuration and sampling ratio"
set ylabel "cost per call (ns/op)"
set xrange [0.4:ncat + 0.6]
set boxwidth 0.5
set style fill solid 0.35 border -1
set grid ytics
set key outside right top noenhanced box
set xtics rotate by -30 noenhanced

set terminal pngcairo size 1100,650 font "Sans,11"
set output outbase.".png"
plot box_data using 1:4:3:7:6:xticlabels(2) with candlesticks whiskerbars 0.5 \
         lc rgb "#0072B2" title "quartiles, whiskers to min and max", \
     box_data using 1:5:5:5:5 with candlesticks lc rgb "#000000" lw 2 title "median", \
     raw_data using 1:2 with points pt 7 ps 0.7 lc rgb "#D55E00" title "repetitions"

set terminal svg size 1100,650 font "Sans,11" dynamic
set output outbase.".svg"
replot
set output
