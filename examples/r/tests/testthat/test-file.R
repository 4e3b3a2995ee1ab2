read_bytes <- function(path) readBin(path, "raw", file.size(path))

# Run this build's command line when the checks give it (tests/r/run.sh sets LIBRA_CLI).
libra_cli <- function(...) {
  cli <- Sys.getenv("LIBRA_CLI")
  if (!nzchar(cli)) skip("LIBRA_CLI is not set")
  status <- system2(cli, c(...), stdout = FALSE, stderr = FALSE)
  if (is.null(status)) 0L else status
}

test_that("score_file_to writes what the command line writes on the example data", {
  for (wave in c("pre", "post")) {
    out <- tempfile(fileext = ".csv")
    s <- score_file_to(extdata(paste0("stss_", wave, ".csv")), "stss", out)
    expect_identical(read_bytes(out), read_bytes(extdata(paste0("cli_score_", wave, ".csv"))))
    expect_equal(c(s$rows_read, s$scored, s$rejected, s$blank), c(40, 40, 0, 0))
    expect_identical(s$output, out)
  }
  skip_if(!nzchar(Sys.getenv("LIBRA_CLI")), "LIBRA_CLI is not set")
  src <- extdata("stss_pre.csv")
  cases <- list(
    list(file = "a.csv", r = list(), cli = character()),
    list(file = "b.jsonl", r = list(keep = "group"), cli = c("--keep", "group")),
    list(file = "c.txt", r = list(format = "json", keep_all = TRUE), cli = c("--format", "json", "--keep-all")),
    list(file = "d.csv", r = list(keep = c("group", "stss_1"), threads = 1), cli = c("--keep", "group,stss_1", "--threads", "1")),
    list(file = "e.csv", r = list(no_id = TRUE), cli = "--no-id"),
    list(file = "f.csv", r = list(id = "group", map = c(stss_1 = "stss_2", stss_2 = "stss_1")),
         cli = c("--id-column", "group", "--map", "stss_1=stss_2,stss_2=stss_1")))
  for (case in cases) {
    mine <- file.path(tempdir(), paste0("r-", case$file))
    theirs <- file.path(tempdir(), paste0("cli-", case$file))
    do.call(score_file_to, c(list(src, "stss", mine), case$r))
    expect_identical(libra_cli("score", "stss", src, "-o", theirs, case$cli), 0L)
    expect_identical(read_bytes(mine), read_bytes(theirs), info = case$file)
  }
})

test_that("one thread or several write the same bytes", {
  stss <- instrument("stss")
  d <- generate(stss, 30000, blank = 0.05, seed = 9)
  d$site <- sprintf("site, %d", seq_len(nrow(d)) %% 7)
  big <- tempfile(fileext = ".csv")
  utils::write.csv(d, big, row.names = FALSE, na = "")
  expect_gt(file.size(big), 2^20)
  out <- vapply(c(1, 2, 0), function(n) {
    o <- tempfile(fileext = ".csv")
    s <- score_file_to(big, stss, o, keep = "site", threads = n)
    expect_equal(s$scored, 30000)
    o
  }, "")
  expect_identical(read_bytes(out[1]), read_bytes(out[2]))
  expect_identical(read_bytes(out[1]), read_bytes(out[3]))
  # and the same scores as score() on the data frame
  back <- utils::read.csv(out[1], stringsAsFactors = FALSE, na.strings = "")
  mem <- score(d, stss)
  expect_equal(back$total, mem$total)
  expect_identical(back$site, d$site)
})

bad_file <- function() {
  d <- utils::read.csv(extdata("stss_pre.csv"), stringsAsFactors = FALSE)
  d$stss_3[c(2, 9)] <- 7
  d$stss_5[30] <- "often-ish"
  path <- tempfile(fileext = ".csv")
  utils::write.csv(d, path, row.names = FALSE, na = "")
  path
}

test_that("rejected rows go to the rejects file, as with --rejects", {
  src <- bad_file()
  out <- tempfile(fileext = ".csv")
  rej <- tempfile(fileext = ".csv")
  expect_warning(s <- score_file_to(src, "stss", out, rejects = rej, threads = 2), class = "libra_data_warning")
  expect_equal(c(s$rows_read, s$scored, s$rejected), c(40, 37, 3))
  expect_identical(s$rejects, rej)
  expect_true(file.exists(out) && file.exists(rej))
  skip_if(!nzchar(Sys.getenv("LIBRA_CLI")), "LIBRA_CLI is not set")
  cout <- tempfile(fileext = ".csv")
  crej <- tempfile(fileext = ".csv")
  expect_identical(libra_cli("score", "stss", src, "-o", cout, "--rejects", crej), 3L)
  expect_identical(read_bytes(out), read_bytes(cout))
  expect_identical(read_bytes(rej), read_bytes(crej))
})

test_that("errors write nothing and leave files as they were", {
  src <- bad_file()
  out <- tempfile(fileext = ".csv")
  e <- tryCatch(score_file_to(src, "stss", out), libra_data_error = function(e) e)
  expect_s3_class(e, "libra_error")
  expect_equal(e$total, 3)
  expect_equal(e$diagnostics$line, c(3, 10, 31))
  expect_false(file.exists(out))
  writeLines("old", out)
  expect_error(score_file_to(src, "stss", out, threads = 1), class = "libra_data_error")
  expect_identical(readLines(out), "old")
  # Absent columns, all named; one the writer cannot carry with them.
  e <- tryCatch(score_file_to(extdata("stss_pre.csv"), "stss", out, keep = c("site", "total")),
                libra_data_error = function(e) e)
  expect_match(conditionMessage(e), "site")
  expect_match(conditionMessage(e), "total")
  expect_identical(readLines(out), "old")
  # An output that is the input; a directory that is not there.
  pre <- tempfile(fileext = ".csv")
  file.copy(extdata("stss_pre.csv"), pre)
  expect_error(score_file_to(pre, "stss", pre), class = "libra_error")
  expect_identical(read_bytes(pre), read_bytes(extdata("stss_pre.csv")))
  expect_error(score_file_to(pre, "stss", file.path(tempdir(), "no", "such", "x.csv")), class = "libra_error")
  # Arguments
  expect_error(score_file_to(pre, "stss", out, threads = -1), "threads")
  expect_error(score_file_to(pre, "stss", out, threads = 1.5), "threads")
  expect_error(score_file_to(pre, "stss", out, format = "xls"), "format")
  expect_error(score_file_to(pre, "stss", out, keep = "group", keep_all = TRUE), "keep")
  expect_error(score_file_to(pre, "stss", out, id = "id", no_id = TRUE), "no_id")
  expect_identical(readLines(out), "old")
})
