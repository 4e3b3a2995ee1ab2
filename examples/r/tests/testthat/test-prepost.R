waves <- function() {
  list(pre = read.csv(extdata("stss_pre.csv"), stringsAsFactors = FALSE),
       post = read.csv(extdata("stss_post.csv"), stringsAsFactors = FALSE))
}

stat <- function(pp, scale, name, group = NA) {
  s <- pp$summary
  s$value[s$scale == scale & s$statistic == name & (if (is.na(group)) is.na(s$group) else s$group %in% group)]
}

test_that("the paired change equals t.test(post, pre, paired = TRUE), and the groups' Welch t.test", {
  w <- waves()
  stss <- instrument("stss")
  pp <- prepost(w$pre, w$post, stss, id = "id", group = "group")
  r <- pp$respondents
  for (scale in stss$info$scales$id) {
    a <- r[[paste0(scale, "_pre")]]
    b <- r[[paste0(scale, "_post")]]
    ok <- !is.na(a) & !is.na(b)
    tt <- stats::t.test(b[ok], a[ok], paired = TRUE)
    expect_equal(stat(pp, scale, "t"), unname(tt$statistic), tolerance = 1e-9)
    expect_equal(stat(pp, scale, "df"), unname(tt$parameter), tolerance = 1e-9)
    expect_equal(stat(pp, scale, "p"), tt$p.value, tolerance = 1e-9)
    expect_equal(stat(pp, scale, "change_mean"), unname(tt$estimate), tolerance = 1e-9)
    expect_equal(c(stat(pp, scale, "change_ci_low"), stat(pp, scale, "change_ci_high")),
                 as.numeric(tt$conf.int), tolerance = 1e-9)
    change <- (b - a)[ok]
    g <- r$group[ok]
    wt <- stats::t.test(change[g == "treatment"], change[g == "control"])
    cmp <- function(n) stat(pp, scale, n, "(comparison)")
    expect_equal(cmp("welch_t"), unname(wt$statistic), tolerance = 1e-9)
    expect_equal(cmp("welch_df"), unname(wt$parameter), tolerance = 1e-9)
    expect_equal(cmp("welch_p"), wt$p.value, tolerance = 1e-9)
    expect_equal(cmp("difference"), unname(wt$estimate[1] - wt$estimate[2]), tolerance = 1e-9)
    expect_equal(stat(pp, scale, "change_mean", "treatment"), mean(change[g == "treatment"]), tolerance = 1e-9)
  }
  expect_identical(pp$document$instrument, "stss")
  expect_equal(pp$document$scales$total$change$t, stat(pp, "total", "t"), tolerance = 1e-12)
  expect_equal(pp$document$counts$pairs, 40)
})

test_that("the respondents equal the command line's CSV output", {
  w <- waves()
  pp <- prepost(w$pre, w$post, "stss", group = "group")
  cli <- read.csv(extdata("cli_prepost_groups.csv"), stringsAsFactors = FALSE, na.strings = "")
  expect_identical(names(pp$respondents), names(cli))
  for (col in names(cli)) {
    if (is.logical(cli[[col]]) && all(is.na(cli[[col]]))) expect_true(all(is.na(pp$respondents[[col]])), info = col)
    else if (is.numeric(cli[[col]])) expect_equal(pp$respondents[[col]], cli[[col]], tolerance = 1e-12, info = col)
    else if (is.factor(pp$respondents[[col]])) expect_identical(as.character(pp$respondents[[col]]), cli[[col]], info = col)
    else expect_identical(pp$respondents[[col]], cli[[col]], info = col)
  }
})

test_that("keep carries pre columns into the respondents, as libra prepost --keep", {
  w <- waves()
  w$pre$team <- paste0("T", seq_len(nrow(w$pre)) %% 3)
  pp <- prepost(w$pre, w$post, "stss", group = "group", keep = "team")
  r <- pp$respondents
  expect_identical(names(r)[1:3], c("id", "group", "team"))
  expect_identical(r$team, w$pre$team[match(r$id, w$pre$id)])
  plain <- prepost(w$pre, w$post, "stss", group = "group")$respondents
  expect_identical(r[-3], plain)
  expect_error(prepost(w$pre, w$post, "stss", keep = c("nope", "gone")), "\"nope\", \"gone\"")
  expect_error(prepost(w$pre, w$post, "stss", keep = c("total_pre", "team")), "\"total_pre\" cannot be kept")
})

test_that("one long data frame with a wave column gives the same analysis", {
  w <- waves()
  long <- rbind(cbind(w$pre, wave = "pre"), cbind(w$post, wave = "post"))
  long <- rbind(long, transform(w$pre[1, ], wave = "follow-up"))
  a <- prepost(w$pre, w$post, "stss", group = "group")
  b <- prepost(long, inst = "stss", wave = "wave", group = "group")
  expect_identical(b$respondents, a$respondents)
  expect_identical(b$summary, a$summary)
  expect_equal(b$counts[["other_wave"]], 1)
})

test_that("the report is written, and holds no respondent id", {
  w <- waves()
  pp <- prepost(w$pre, w$post, "stss", group = "group")
  out <- tempfile(fileext = ".html")
  expect_identical(report(pp, out), out)
  html <- paste(readLines(out, warn = FALSE), collapse = "\n")
  expect_match(html, "<html", fixed = TRUE)
  expect_false(grepl("R001", html, fixed = TRUE))
  expect_output(print(pp), "pairs 40")
})

test_that("reliable change, category and bands are factors over the library's levels", {
  w <- waves()
  stss <- instrument("stss")
  r <- prepost(w$pre, w$post, stss, id = "id")$respondents
  expect_identical(levels(r$total_reliable), c("none", "improved", "deteriorated"))
  expect_identical(levels(r$total_category), c("recovered", "improved", "unchanged", "deteriorated"))
  bands <- stss$info$scales$band_id[[which(stss$info$scales$id == "total")]]
  expect_identical(levels(r$total_band_pre), bands)
  expect_identical(levels(r$total_band_post), bands)
  expect_false("intrusion_band_pre" %in% names(r))
})

test_that("files are read by the library and give what their data frames give", {
  w <- waves()
  a <- prepost(w$pre, w$post, "stss", group = "group")
  b <- prepost(extdata("stss_pre.csv"), extdata("stss_post.csv"), "stss", group = "group")
  expect_equal(b$respondents, a$respondents)
  expect_equal(b$summary, a$summary)
  expect_identical(b$sources, c("stss_pre.csv", "stss_post.csv"))
  expect_equal(b$counts[["pairs"]], 40)
  # One long file, its other rows counted by the library.
  long <- rbind(cbind(time = "T1", w$pre), cbind(time = "T2", w$post),
                cbind(time = "T9", w$post[1:3, ]))
  f <- tempfile(fileext = ".csv")
  on.exit(unlink(f))
  write.csv(long, f, row.names = FALSE, na = "")
  d <- prepost(f, inst = "stss", group = "group", wave = "time", pre_value = "T1", post_value = "T2")
  expect_equal(d$respondents, a$respondents)
  expect_equal(d$counts[["other_wave"]], 3)
  expect_error(prepost(f, inst = "stss", wave = "time", pre_value = "T1", post_value = "T1"), "two different")
})

test_that("keep with files is the library's --keep, with waves too", {
  w <- waves()
  w$pre$team <- paste0("T", seq_len(nrow(w$pre)) %% 3)
  f <- tempfile(fileext = ".csv")
  on.exit(unlink(f))
  write.csv(w$pre, f, row.names = FALSE, na = "")
  a <- prepost(w$pre, w$post, "stss", group = "group", keep = "team")
  b <- prepost(f, extdata("stss_post.csv"), "stss", group = "group", keep = "team")
  expect_identical(names(b$respondents)[1:3], c("id", "group", "team"))
  expect_identical(b$respondents$team, a$respondents$team)
  c3 <- prepost(list(f, extdata("stss_post.csv")), inst = "stss", waves = c("pre", "post"), group = "group",
                keep = "team")
  expect_identical(c3$respondents$team, a$respondents$team)
  expect_error(prepost(f, extdata("stss_post.csv"), "stss", keep = "nope"), "nope", class = "libra_error")
})

test_that("a bad value in a file is reported with its file, line and column, and every problem at once", {
  pre <- readLines(extdata("stss_pre.csv"))
  head <- strsplit(pre[1], ",")[[1]]
  cells <- strsplit(pre[3], ",", fixed = TRUE)[[1]]
  col <- which(head == "stss_4")
  cells[col] <- "9"
  pre[3] <- paste(cells, collapse = ",")
  cells <- strsplit(pre[6], ",", fixed = TRUE)[[1]]
  cells[col] <- "x"
  pre[6] <- paste(cells, collapse = ",")
  f <- tempfile(fileext = ".csv")
  on.exit(unlink(f))
  writeLines(pre, f)
  e <- tryCatch(prepost(f, extdata("stss_post.csv"), "stss"), libra_data_error = function(e) e)
  expect_s3_class(e, "libra_data_error")
  expect_equal(e$total, 2)
  expect_equal(e$diagnostics$line, c(3, 6))
  expect_equal(e$diagnostics$column, c(col, col))
  expect_true(all(e$diagnostics$file == f))
})

test_that("threads = 1 reads the files one after the other, with the same results and messages", {
  one <- prepost(extdata("stss_pre.csv"), extdata("stss_post.csv"), "stss", group = "group", threads = 1)
  two <- prepost(extdata("stss_pre.csv"), extdata("stss_post.csv"), "stss", group = "group", threads = 2)
  expect_identical(one$respondents, two$respondents)
  expect_identical(one$summary, two$summary)
  expect_identical(one$counts, two$counts)
  # A bad value in each file: the pre file's messages first, either way.
  bad <- function(name, line) {
    x <- readLines(extdata(name))
    cells <- strsplit(x[line], ",", fixed = TRUE)[[1]]
    cells[which(strsplit(x[1], ",")[[1]] == "stss_2")] <- "7"
    x[line] <- paste(cells, collapse = ",")
    f <- tempfile(fileext = ".csv")
    writeLines(x, f)
    f
  }
  pre <- bad("stss_pre.csv", 4)
  post <- bad("stss_post.csv", 2)
  on.exit(unlink(c(pre, post)))
  caught <- function(threads)
    tryCatch(prepost(pre, post, "stss", threads = threads), libra_data_error = function(e) e$diagnostics)
  d1 <- caught(1)
  expect_identical(d1$file, c(pre, post))
  expect_equal(d1$line, c(4, 2))
  expect_identical(caught(2), d1)
})

test_that("file arguments are checked", {
  w <- waves()
  expect_error(prepost(extdata("stss_pre.csv"), w$post, "stss"), "post must be one too")
  expect_error(prepost(extdata("stss_pre.csv"), inst = "stss"), "give post")
  expect_error(prepost(c(extdata("stss_pre.csv"), "no/such.csv"), inst = "stss", waves = c("a", "b")),
               "no such file")
  expect_error(prepost(list(extdata("stss_pre.csv"), w$post), inst = "stss", waves = c("a", "b")),
               "every wave as a file")
  expect_error(prepost(w$pre, w$post, "stss", delimiter = ";"), "are for files")
  expect_error(prepost(extdata("stss_pre.csv"), extdata("stss_post.csv"), "stss", delimiter = "|"),
               "delimiter must be")
  for (t in list(0, 1.5, NA, "2", c(1, 2)))
    expect_error(prepost(extdata("stss_pre.csv"), extdata("stss_post.csv"), "stss", threads = t),
                 "threads must be")
  expect_error(prepost(w$pre, w$post, "stss", threads = 1), "threads is for files")
})
