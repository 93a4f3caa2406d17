# plot.gp: the README's chart, from chart.dat (report.sh writes it) in
# the current directory, to chart.png.
set terminal pngcairo size 1400,900 font "DejaVu Sans,10"
set output "chart.png"
set datafile missing "?"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top left
set xtics rotate by -20 noenhanced
set yrange [0:*]
set multiplot layout 2,2 title "xlvs load benchmark (medians; one director CPU)" font ",13"

set title "UDP 64-byte packets to the real servers"
set ylabel "kpps"
plot "chart.dat" using 2:xtic(1) title "delivered", "" using 3 title "per director core"

set title "HTTP through the director"
set ylabel "k requests/s"
plot "chart.dat" using 4:xtic(1) title "new connections/s", "" using 5 title "keep-alive requests/s"

set title "Director CPU per new connection (lower is better)"
set ylabel "µs"
plot "chart.dat" using 6:xtic(1) title "µs per connection" lc rgb "#c04040"

set title "Request latency on a new connection (lower is better)"
set ylabel "µs (log scale)"
set logscale y
set yrange [10:*]
set key top left
plot "chart.dat" using 7:xtic(1) title "p50", "" using 8 title "p99"

unset multiplot
