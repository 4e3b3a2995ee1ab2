# Definitions found by id along the search path (LIBRA_MEASURES_PATH, XDG_DATA_HOME).
definition <- function(dir, id, name) {
  path <- file.path(dir, paste0(id, ".yaml"))
  writeLines(c("format: 1", paste0("id: ", id), paste0("name: ", name), "version: \"1\"",
               "responses: [{value: 0, label: No}, {value: 1, label: Yes}]",
               "items:", "  - {id: q1, label: one}", "  - {id: q2, label: two}",
               "scales:", "  - {id: total, label: Total, items: [q1, q2], method: sum, min_answered: 2}"), path)
  path
}

with_search_path <- function(dirs, code) {
  old <- Sys.getenv(c("LIBRA_MEASURES_PATH", "XDG_DATA_HOME"), unset = NA)
  on.exit({
    for (k in names(old)) if (is.na(old[[k]])) Sys.unsetenv(k) else do.call(Sys.setenv, as.list(old[k]))
  })
  Sys.setenv(LIBRA_MEASURES_PATH = paste(dirs, collapse = ":"), XDG_DATA_HOME = file.path(tempdir(), "no-xdg"))
  code
}

test_that("instrument() finds a definition by id on LIBRA_MEASURES_PATH, first directory first", {
  a <- tempfile("defs-a"); b <- tempfile("defs-b")
  dir.create(a); dir.create(b)
  definition(b, "cdr", "from b")
  with_search_path(c(a, b), {
    i <- instrument("cdr")
    expect_equal(i$info$name, "from b")
    path <- definition(a, "cdr", "from a")
    i <- instrument("cdr")
    expect_equal(i$info$name, "from a")
    expect_equal(i$info$source, path)
    s <- score(data.frame(id = "r1", q1 = 1, q2 = 0), i)
    expect_equal(s$total, 1)
  })
})

test_that("a definition on the path that shadows a built-in is an error naming both", {
  a <- tempfile("defs-shadow")
  dir.create(a)
  path <- definition(a, "stss", "not the real one")
  with_search_path(a, {
    e <- tryCatch(instrument("stss"), libra_error = function(e) e)
    expect_s3_class(e, "libra_definition_error")
    expect_match(conditionMessage(e), paste0(path, ": defines instrument 'stss'"), fixed = TRUE)
    expect_match(conditionMessage(e), "is built into the library", fixed = TRUE)
  })
  with_search_path(character(0), expect_error(instrument("nowhere"), class = "libra_not_found_error"))
})
