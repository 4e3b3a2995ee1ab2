# Benchmark (not a test): a 1e6-row STSS data frame scored by the R package
# (one batch call into the C library) and by psych::scoreItems (totals,
# impute = "none") in the same R session; the totals must be identical.
# Run with the package installed (see README, "From R"):
#   Rscript tests/bench/r_bench.R [ROWS]
suppressMessages({
  library(libra.measures)
  library(psych)
})
args <- commandArgs(trailingOnly = TRUE)
n <- if (length(args)) as.integer(args[1]) else 1e6L
set.seed(1)
stss <- instrument("stss")
d <- data.frame(id = seq_len(n))
for (k in 1:17) d[[paste0("stss_", k)]] <- sample(1:5, n, replace = TRUE)

info <- stss$info
keys <- lapply(info$scales$items, function(i) info$items$id[i])
names(keys) <- info$scales$id

best <- function(f, reps = 3) {
  r <- NULL
  t <- numeric(reps)
  for (k in seq_len(reps)) {
    gc()
    # CPU time (user + system): on a shared machine, elapsed time measures the neighbours.
    st <- system.time(r <- f())
    t[k] <- st[["user.self"]] + st[["sys.self"]]
  }
  list(time = min(t), result = r)
}
a <- best(function() score(d, stss))
b <- best(function() suppressWarnings(scoreItems(keys, d[-1], totals = TRUE, impute = "none", min = 1, max = 5)),
          reps = 1)
for (s in info$scales$id)
  stopifnot(identical(as.numeric(a$result[[s]]), as.numeric(b$result$scores[, s])))
cat(sprintf("%d rows x 17 items, CPU time: libra.measures::score %.3f s, psych::scoreItems %.3f s: %.1fx faster; totals identical\n",
            n, a$time, b$time, b$time / a$time))
