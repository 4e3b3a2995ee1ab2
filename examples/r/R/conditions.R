# Failures of the C library, as R conditions. The glue returns a
# "libra_failure" list (status code and every diagnostic); here it becomes a
# condition of class c(<kind>, "libra_error", "error", "condition") whose
# fields are list elements.

libra_kind <- function(code) {
  switch(as.character(code),
         "-8" = "libra_data_error",
         "-6" = , "-5" = "libra_definition_error",
         "-4" = "libra_io_error",
         "-7" = "libra_not_found_error",
         "-9" = "libra_limit_error",
         "libra_usage_error")
}

# @param columns the data frame column read for each item (data frames only),
#   so that a diagnostic's column number can be named.
libra_condition <- function(f, columns = NULL, warning = FALSE) {
  n <- length(f$text)
  diagnostics <- data.frame(file = f$file, line = f$line, column = f$column,
                            message = f$message, code = f$codes,
                            stringsAsFactors = FALSE)
  if (!is.null(columns)) {
    # In a data frame a diagnostic's line is its row; its column the item's position.
    diagnostics$row <- diagnostics$line
    diagnostics$column_name <- unname(columns[diagnostics$column])
  }
  head_line <- if (f$total > 1) sprintf("%s: %s problems", f$status, format(f$total)) else f$status
  more <- if (f$total > n) sprintf("\n  ... and %s more", format(f$total - n)) else ""
  message <- paste0(head_line, "\n", paste0("  ", f$text, collapse = "\n"), more)
  kind <- libra_kind(f$code)
  if (warning)
    kind <- sub("_error$", "_warning", kind)
  structure(class = c(kind, if (warning) c("libra_warning", "warning") else c("libra_error", "error"),
                      "condition"),
            list(message = message, call = NULL, code = f$code, status = f$status,
                 total = f$total, diagnostics = diagnostics,
                 file = f$file[1], line = f$line[1], column = f$column[1],
                 row = if (!is.null(columns)) f$line[1] else NULL))
}

check_failure <- function(x, columns = NULL) {
  if (inherits(x, "libra_failure"))
    stop(libra_condition(x, columns))
  x
}
