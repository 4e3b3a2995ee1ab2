test_that("bad values are a libra_data_error listing every one with row and column", {
  stss <- instrument("stss")
  d <- generate(stss, 300, blank = 0, seed = 6)
  d$stss_3[c(2, 250)] <- 7
  d$stss_9[2] <- 0
  e <- tryCatch(score(d, stss), error = function(e) e)
  expect_s3_class(e, "libra_data_error")
  expect_identical(class(e), c("libra_data_error", "libra_error", "error", "condition"))
  expect_equal(e$total, 3)
  expect_equal(e$diagnostics$row, c(2, 2, 250))
  expect_identical(e$diagnostics$column_name, c("stss_3", "stss_9", "stss_3"))
  expect_match(conditionMessage(e), 'd:2:3: row 2, column "stss_3": "7" is not a response of stss_3', fixed = TRUE)
  expect_equal(e$row, 2)
  # More than 100: 100 listed, all counted.
  d$stss_1 <- 9
  e <- tryCatch(score(d, stss), libra_error = function(e) e)
  expect_equal(nrow(e$diagnostics), 100)
  expect_equal(e$total, 303)
  expect_match(conditionMessage(e), "and 203 more", fixed = TRUE)
})

test_that("reject mode scores the other rows and warns", {
  stss <- instrument("stss")
  d <- generate(stss, 20, blank = 0, seed = 7)
  want <- score(d, stss)
  d$stss_5[4] <- 6
  w <- NULL
  s <- withCallingHandlers(score(d, stss, on_bad = "reject"),
                           warning = function(c) { w <<- c; invokeRestart("muffleWarning") })
  expect_s3_class(w, "libra_data_warning")
  expect_identical(as.character(s$total_status[4]), "rejected")
  expect_true(is.na(s$total[4]))
  expect_identical(s[-4, ], want[-4, ])
})

test_that("a bad definition is a libra_definition_error with file, line and column", {
  def <- tempfile(fileext = ".yaml")
  writeLines(c("format: 1", "id: demo", "name: D", "version: '1'",
               "responses: [{value: 1, label: a}]",
               "items: [{id: d_1, label: x}]",
               "scales: [{id: s, label: S, items: [d_1, d_9], method: sum}]"), def)
  e <- tryCatch(instrument(def), error = function(e) e)
  expect_identical(class(e), c("libra_definition_error", "libra_error", "error", "condition"))
  expect_identical(e$file, def)
  expect_true(e$line >= 7)
  expect_match(conditionMessage(e), "d_9")
  writeLines("items: [", def)
  expect_error(instrument(def), class = "libra_definition_error")
})

test_that("the other error classes", {
  expect_error(instrument("no-such-instrument"), class = "libra_not_found_error")
  stss <- instrument("stss")
  pre <- read.csv(extdata("stss_pre.csv"), stringsAsFactors = FALSE)
  post <- read.csv(extdata("stss_post.csv"), stringsAsFactors = FALSE)
  expect_error(prepost(pre, post, stss, reliability = 2), class = "libra_usage_error")
  pp <- prepost(pre, post, stss)
  expect_error(report(pp, file.path(tempfile(), "no", "such", "dir.html")), class = "libra_io_error")
  # Items without a column, and duplicate ids, in pre/post.
  e <- tryCatch(prepost(pre[-3], post, stss), libra_data_error = function(e) e)
  expect_match(conditionMessage(e), "no column for item stss_1", fixed = TRUE)
  pre$id[5] <- pre$id[1]
  e <- tryCatch(prepost(pre, post, stss), libra_data_error = function(e) e)
  expect_match(conditionMessage(e), 'id "R001" occurs 2 times in the pre wave', fixed = TRUE)
  expect_identical(prepost(pre, post, stss, on_duplicate = "exclude")$counts[["duplicate_id"]], 2)
})
