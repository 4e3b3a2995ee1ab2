# Peer: R's fastest common path. data.table::fread + row sums + fwrite, on
# 2 threads (the machine's CPUs).
#   Rscript peer_datatable.R 'SCALE=item,-item,...;...' IN.csv OUT.csv
# A leading '-' marks a reverse-keyed item (6 - x, from min = 1, max = 5).
# A scale with any blank item gets no score (NA), as libra's bundled STSS and
# ProQOL 5 give none (no missing-data rule).
args <- commandArgs(trailingOnly = TRUE)
suppressMessages(library(data.table))
setDTthreads(2L)
d <- fread(args[2], nThread = 2L)
specs <- strsplit(strsplit(args[1], ";", fixed = TRUE)[[1]], "=", fixed = TRUE)
out <- data.table(id = d[["id"]])
for (s in specs) {
  items <- strsplit(s[2], ",", fixed = TRUE)[[1]]
  rev <- startsWith(items, "-")
  cols <- sub("^-", "", items)
  total <- 0L
  for (k in seq_along(cols)) {
    v <- d[[cols[k]]]
    total <- total + if (rev[k]) 6L - v else v
  }
  set(out, j = s[1], value = total)
}
fwrite(out, args[3], na = "NA", nThread = 2L)
