rss_kb <- function() {
  status <- "/proc/self/status"
  if (!file.exists(status)) return(NA_real_)
  line <- grep("^VmRSS:", readLines(status), value = TRUE)
  as.numeric(gsub("[^0-9]", "", line))
}

test_that("8 repetitions of score and prepost under gc() do not grow memory", {
  skip_if(is.na(rss_kb()), "no /proc/self/status")
  stss <- instrument("stss")
  d <- generate(stss, 20000, seed = 8)
  post <- generate(stss, 20000, seed = 9)
  run <- function() {
    s <- score(d, stss)
    pp <- prepost(d, post, stss)
    invisible(list(s, pp))
  }
  run(); gc(); run(); gc()
  before <- rss_kb()
  for (k in 1:8) { run(); gc() }
  after <- rss_kb()
  # One run allocates tens of MB; a leak of anything per row would add as much again each time.
  expect_lt(after - before, 8 * 1024)
})
