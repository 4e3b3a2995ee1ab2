# A file scored into a file, as `libra score DATA -o OUTPUT` does it: the C
# library's lm_score_table() reads, scores and writes every row (on worker
# threads), and the output and the rejects file are put in place together or
# not at all. No row passes through R.

writer_formats <- c(csv = 0L, json = 1L, jsonl = 1L, xlsx = 2L, sav = 3L, dta = 4L)

one_string <- function(x, what, fn = "score_file_to") {
  if (!is.null(x) && (!is.character(x) || length(x) != 1 || is.na(x) || !nzchar(x)))
    stop(sprintf("%s(): %s must be one non-empty string", fn, what))
  x
}

# How the library reads a data file (as `libra score --prefix --map --map-file
# --delimiter --missing --value-labels`), checked: the list that file.c's
# apply_reading() takes. map: item = column pairs (a named character vector or
# a data frame), or a mapping file's path.
reading_options <- function(prefix, map, delimiter, missing, value_labels, fn) {
  one_string(prefix, "prefix", fn)
  if (!is.null(delimiter) && !(length(delimiter) == 1 && delimiter %in% c(",", ";", "\t")))
    stop(sprintf("%s(): delimiter must be \",\", \";\" or \"\\t\"", fn))
  if (!is.null(missing) && (!is.character(missing) || anyNA(missing)))
    stop(sprintf("%s(): missing must be a character vector", fn))
  map_file <- NULL
  items <- columns <- character()
  if (is.character(map) && length(map) == 1 && is.null(names(map))) {
    map_file <- path.expand(map)
  } else if (!is.null(map)) {
    if (is.data.frame(map)) {
      if (!all(c("item", "column") %in% names(map)))
        stop(sprintf("%s(): map: a data frame with columns item and column is expected", fn))
      map <- stats::setNames(as.character(map$column), as.character(map$item))
    }
    if (!is.character(map) || is.null(names(map)))
      stop(sprintf("%s(): map: a named character vector (item = column), a data frame or a mapping file is expected", fn))
    items <- names(map)
    columns <- unname(map)
  }
  list(prefix, items, columns, map_file, delimiter, as.character(missing), isTRUE(value_labels))
}

score_file_to <- function(path, inst, output, rejects = NULL, keep = NULL, keep_all = FALSE, threads = 0L,
                          format = NULL, id = NULL, no_id = FALSE, prefix = NULL, map = NULL,
                          delimiter = NULL, missing = NULL, value_labels = FALSE) {
  one_string(path, "path")
  one_string(output, "output")
  one_string(rejects, "rejects")
  one_string(id, "id")
  inst <- instrument(inst)
  if (!is.null(keep) && (!is.character(keep) || anyNA(keep) || any(!nzchar(keep))))
    stop("score_file_to(): keep must be column names, none empty")
  if (length(keep) && isTRUE(keep_all))
    stop("score_file_to(): keep names the columns to carry and keep_all carries every one: give one of them")
  if (!is.null(id) && isTRUE(no_id))
    stop("score_file_to(): id names the id column and no_id says there is none: give one of them")
  if (!is.numeric(threads) || length(threads) != 1 || is.na(threads) || threads != round(threads) ||
      threads < 0 || threads > 64)
    stop("score_file_to(): threads must be a whole number from 0 (one per processor) to 64")
  if (!is.null(rejects) && rejects == "-")
    stop("score_file_to(): rejects must name a file of its own")
  path <- path.expand(path)
  output <- path.expand(output)
  if (!is.null(rejects))
    rejects <- path.expand(rejects)
  fmt <- if (is.null(format)) .Call(lr_writer_format_for_path, output) else {
    if (!is.character(format) || length(format) != 1 || !(format %in% names(writer_formats)))
      stop("score_file_to(): format must be \"csv\", \"json\", \"xlsx\", \"sav\" or \"dta\"")
    writer_formats[[format]]
  }
  opts <- list(id, isTRUE(no_id), reading_options(prefix, map, delimiter, missing, value_labels, "score_file_to"))
  res <- check_failure(.Call(lr_score_file, inst$ptr, path, output, as.integer(fmt), rejects,
                             as.character(keep), isTRUE(keep_all), as.integer(threads), opts))
  if (!is.null(res$problems))
    warning(libra_condition(res$problems, warning = TRUE))
  invisible(list(rows_read = res$rows_read, scored = res$scored, insufficient = res$insufficient,
                 rejected = res$rejected, blank = res$blank, output = output, rejects = rejects))
}
