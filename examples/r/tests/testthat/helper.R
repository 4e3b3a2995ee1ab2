extdata <- function(name) system.file("extdata", name, package = "libra.measures", mustWork = TRUE)

# Random answers to every item of an instrument, with about `blank` of them missing.
generate <- function(inst, n, blank = 0.1, seed = 1) {
  set.seed(seed)
  items <- inst$info$items
  d <- data.frame(id = sprintf("R%05d", seq_len(n)), stringsAsFactors = FALSE)
  for (k in seq_along(items$id)) {
    v <- sample(items$responses[[k]]$value, n, replace = TRUE)
    v[stats::runif(n) < blank] <- NA
    d[[items$id[k]]] <- v
  }
  d
}
