test_that("scores equal psych::scoreItems (reverse keys, impute = 'none') on generated data", {
  skip_if_not_installed("psych")
  for (id in c("brs", "lotr", "gse", "stss", "proqol5")) {
    inst <- instrument(id)
    d <- generate(inst, 400, blank = 0.04, seed = nchar(id))
    s <- score(d, inst)
    info <- inst$info
    for (k in seq_along(info$scales$id)) {
      sid <- info$scales$id[k]
      idx <- info$scales$items[[k]]
      ids <- info$items$id[idx]
      keys <- ifelse(info$items$reversed[idx], paste0("-", ids), ids)
      vals <- info$items$responses[[idx[1]]]$value
      method <- info$scales$method[k]
      ps <- suppressWarnings(suppressMessages(psych::scoreItems(
        list(x = keys), d[ids], totals = method == "sum", impute = "none",
        min = min(vals), max = max(vals))))$scores[, 1]
      if (method == "prorated_sum") ps <- ps * length(idx)
      answered <- rowSums(!is.na(d[ids]))
      has <- !is.na(s[[sid]])
      expect_equal(has, answered >= info$scales$min_answered[k], info = paste(id, sid))
      expect_equal(s[[paste0(sid, "_answered")]], as.integer(answered), info = paste(id, sid))
      expect_equal(s[[sid]][has], unname(ps[has]), tolerance = 1e-9, info = paste(id, sid))
      expect_gt(sum(has), 100)
    }
  }
})

cli_table <- function(name) {
  read.csv(extdata(name), stringsAsFactors = FALSE, na.strings = "", colClasses = c(id = "character"))
}

expect_same_as_cli <- function(s, cli) {
  expect_identical(names(s), names(cli))
  for (col in names(cli)) {
    want <- cli[[col]]
    if (is.character(want) && all(want %in% c("true", "false", NA))) want <- want == "true"
    got <- s[[col]]
    if (is.factor(got)) got <- as.character(got)
    if (is.numeric(want)) expect_equal(as.numeric(got), want, tolerance = 1e-12, info = col)
    else expect_identical(got, want, info = col)
  }
}

test_that("scores equal the command line's output on the example data", {
  stss <- instrument("stss")
  for (wave in c("pre", "post")) {
    d <- read.csv(extdata(paste0("stss_", wave, ".csv")), stringsAsFactors = FALSE)
    s <- score(d, stss)
    expect_same_as_cli(s, cli_table(paste0("cli_score_", wave, ".csv")))
    cli <- Sys.getenv("LIBRA_CLI")
    if (nzchar(cli)) { # also against the command line of this build, run now
      out <- tempfile(fileext = ".csv")
      system2(cli, c("score", "stss", extdata(paste0("stss_", wave, ".csv")), "-o", out), stderr = FALSE)
      live <- read.csv(out, stringsAsFactors = FALSE, na.strings = "", colClasses = c(id = "character"))
      expect_same_as_cli(s, live)
    }
  }
})

test_that("character labels, factors, padded numbers and a tibble score as numbers do", {
  stss <- instrument("stss")
  d <- generate(stss, 200, blank = 0.05, seed = 3)
  want <- score(d, stss)
  labels <- stss$info$items$responses[[1]]$label
  t <- d
  for (k in 2:18) {
    v <- d[[k]]
    t[[k]] <- switch(k %% 3 + 1, labels[v], toupper(labels[v]), ifelse(is.na(v), NA, paste0(" ", v, " ")))
  }
  t$stss_4 <- factor(t$stss_4)
  expect_identical(score(t, stss), want)
  skip_if_not_installed("tibble")
  expect_identical(score(tibble::as_tibble(d), stss), want)
})

test_that("haven-labelled columns are read by code or by label", {
  skip_if_not_installed("haven")
  stss <- instrument("stss")
  d <- generate(stss, 150, blank = 0.05, seed = 4)
  labels <- stats::setNames(1:5 * 1.0, stss$info$items$responses[[1]]$label)
  h <- d
  for (k in 2:18) h[[k]] <- haven::labelled(d[[k]], labels)
  want <- score(d, stss)
  expect_identical(score(h, stss), want)
  expect_identical(score(h, stss, value_labels = TRUE), want)
  # Labels that differ from the instrument's: the codes still score; the labels are refused.
  other <- stats::setNames(1:5 * 1.0, c("nie", "selten", "manchmal", "oft", "sehr oft"))
  h$stss_1 <- haven::labelled(d$stss_1, other)
  expect_identical(score(h, stss), want)
  expect_error(score(h, stss, value_labels = TRUE), class = "libra_data_error")
})

test_that("id, keep, prefix and map work as on the command line", {
  stss <- instrument("stss")
  d <- generate(stss, 50, seed = 5)
  want <- score(d, stss)
  q <- d
  names(q)[2:18] <- paste0("Q5_", 1:17)
  q$arm <- rep(c("a", "b"), 25)
  s <- score(q, stss, prefix = "Q5_", keep = "arm")
  expect_identical(names(s)[1:2], c("id", "arm"))
  expect_identical(s[-2], want)
  m <- data.frame(item = paste0("stss_", 1:17), column = paste0("Q5_", 1:17))
  expect_identical(score(q, stss, map = m), want)
  expect_identical(score(q, stss, map = stats::setNames(m$column, m$item)), want)
  expect_error(score(q, stss), class = "libra_data_error") # no columns stss_1 ... stss_17
})

test_that("status and band are factors over fixed levels, whatever the data hold", {
  stss <- instrument("stss")
  d <- generate(stss, 50, blank = 0.3, seed = 7)
  d$stss_5[2] <- 9
  s <- suppressWarnings(score(d, stss, on_bad = "reject"))
  expect_identical(levels(s$total_status), c("ok", "prorated", "insufficient", "rejected"))
  expect_identical(as.character(s$total_status[2]), "rejected")
  expect_true(is.na(s$total_band[2]))
  bands <- stss$info$scales$band_id[[which(stss$info$scales$id == "total")]]
  expect_identical(levels(s$total_band), bands)
  ok <- !is.na(s$total)
  expect_true(all(!is.na(s$total_band[ok])))
  expect_identical(is.na(s$total_band), is.na(s$total))
})
