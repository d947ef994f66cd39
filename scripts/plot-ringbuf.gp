# Ring-buffer sizing: on the left the events a ring held while the consumer
# was paused (the rest of the flood was lost), on the right how fast the
# consumer drained that backlog, with the 5 M events/s goal. One line per
# number of CPUs sharing a ring.
#
# Variables (gnuplot -e): data, n (CPU-sharing layouts), sharing (the n CPUs
# per ring values, space-separated), plot_title, outbase. data holds 2n
# blocks: first n of (ring size in KiB, events held, drain rate in
# M events/s), then n of (ring size in KiB, events lost).

colour(i) = word("#0072B2 #D55E00 #009E73 #CC79A7", (i % 4) + 1)
layout(i) = sprintf("%s CPU%s per ring", word(sharing, i + 1), word(sharing, i + 1) eq "1" ? "" : "s")

set terminal pngcairo size 1200,560 font "Sans,11"
set output outbase.".png"
do for [pass=1:2] {
    if (pass == 2) {
        set terminal svg size 1200,560 font "Sans,11" dynamic
        set output outbase.".svg"
    }
    set multiplot layout 1,2 title plot_title noenhanced
    unset logscale
    set logscale x 2
    set logscale y 10
    set grid
    set key bottom right noenhanced
    set xlabel "ring buffer size (KiB, log2 scale)"
    set ylabel "events (log scale)"
    set format y "%.0f"
    set title "Flood with the consumer paused" noenhanced
    plot for [i=0:n-1] data index i using 1:2 with linespoints title "held, ".layout(i) \
             lc rgb colour(i) lw 2 pt 7, \
         for [i=0:n-1] data index n + i using 1:2 with linespoints title "lost, ".layout(i) \
             lc rgb colour(i) lw 1.5 dt 2 pt 6
    unset logscale y
    set yrange [0:*]
    set ylabel "drain rate (M events/s, one consumer thread)"
    set format y "%g"
    set title "Draining the backlog" noenhanced
    # The goal line runs along the bottom, so the key goes above the data.
    set key top left opaque box
    plot 5 with lines lc rgb "#888888" lw 2 dt 3 title "goal: 5 M events/s", \
         for [i=0:n-1] data index i using 1:3 with linespoints title layout(i) \
             lc rgb colour(i) lw 2 pt 7
    unset yrange
    unset multiplot
}
set output
