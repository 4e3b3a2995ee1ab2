# Pre/post change from two data frames (or one long one), analysed by the C
# library from memory: the items of each wave go through its batch reader,
# the ids and groups as text. Given files, the library reads them itself, as
# `libra prepost` does (prepost_files()).

id_text <- function(x) {
  if (inherits(x, "haven_labelled")) x <- unclass(x)
  if (is.factor(x)) x <- as.character(x)
  if (is.numeric(x)) x <- ifelse(is.na(x), NA_character_, format(x, digits = 15, trim = TRUE, scientific = FALSE))
  as.character(x)
}

prepost <- function(pre, post = NULL, inst, id = "id", group = NULL, wave = NULL,
                    pre_value = "pre", post_value = "post",
                    on_duplicate = c("error", "exclude"), reliability = NULL, rci_sd = NULL,
                    prefix = NULL, map = NULL, value_labels = FALSE,
                    waves = NULL, wave_column = NULL, cluster = NULL, reference_group = NULL, keep = NULL,
                    delimiter = NULL, missing = NULL, threads = 2L) {
  on_duplicate <- match.arg(on_duplicate)
  inst <- instrument(inst)
  if (!is.null(wave_column)) {
    if (!is.null(wave) && !identical(wave, wave_column))
      stop("prepost(): give the wave column once, as wave_column (or wave)")
    wave <- wave_column
  }
  files <- if (is.null(waves)) {
    if (is_file(pre)) c(pre, if (is.null(post)) NULL else if (is_file(post)) post else
      stop("prepost(): pre is a file, so post must be one too (or NULL, with wave, for one long file)"))
  } else if (!is.null(post)) {
    stop("prepost(): with waves, give the data as one list (one data frame or file per wave) or one long data frame or file")
  } else wave_files(pre)
  if (!is.null(files))
    return(prepost_files(files, inst, waves, wave, pre_value, post_value, id, group, cluster, reference_group,
                         on_duplicate, reliability, rci_sd, prefix, map, value_labels, keep, delimiter, missing,
                         threads))
  if (!is.null(delimiter) || !is.null(missing))
    stop("prepost(): delimiter and missing are for files; a data frame's blanks are NA")
  if (!missing(threads))
    stop("prepost(): threads is for files; data frames are already in memory")
  if (!is.null(waves) && length(keep))
    stop("prepost(): keep with waves needs the waves as files (or libra prepost --keep)")
  if (!is.null(waves))
    return(prepost_waves(pre, post, inst, id, group, wave, waves, cluster, reference_group,
                         on_duplicate, reliability, rci_sd, prefix, map, value_labels))
  if (!is.null(cluster) || !is.null(reference_group))
    stop("prepost(): cluster and reference_group need waves = c(baseline, later waves...)")
  names_ <- c(data_name(substitute(pre)), data_name(substitute(post)))
  other_wave <- 0
  if (is.null(post)) {
    if (is.null(wave))
      stop("prepost(): give post, or one long data frame with wave = its wave column")
    if (!wave %in% names(pre))
      stop(sprintf("prepost(): no column \"%s\" in the data", wave))
    w <- trimws(id_text(pre[[wave]]))
    long <- pre
    pre <- long[!is.na(w) & w == pre_value, , drop = FALSE]
    post <- long[!is.na(w) & w == post_value, , drop = FALSE]
    other_wave <- sum(is.na(w) | !(w %in% c(pre_value, post_value)))
    names_ <- paste0(names_[1], "[", wave, " == ", c(pre_value, post_value), "]")
  }
  if (!is.data.frame(pre) || !is.data.frame(post))
    stop("prepost(): pre and post must be data frames (or tibbles)")
  taken <- intersect(keep, c("id", "group", "wave", outer(inst$info$scales$id,
    c("pre", "post", "change", "rci", "reliable", "category", "band_pre", "band_post"), paste, sep = "_")))
  if (length(taken))
    stop(sprintf("prepost(): %s cannot be kept: the respondents have a column of that name",
                 paste0("\"", taken, "\"", collapse = ", ")))
  for (k in 1:2) {
    d <- list(pre, post)[[k]]
    need <- c(id, if (k == 1) c(group, keep))
    miss <- setdiff(need, names(d))
    if (length(miss))
      stop(sprintf("prepost(): no column %s in the %s data", paste0("\"", miss, "\"", collapse = ", "),
                   c("pre", "post")[k]))
  }
  a <- item_inputs(inst, pre, prefix, map, value_labels)
  b <- item_inputs(inst, post, prefix, map, value_labels)
  opts <- list(group, if (on_duplicate == "error") 0L else 1L,
               if (is.null(reliability)) NA_real_ else as.double(reliability),
               if (is.null(rci_sd)) NA_real_ else as.double(rci_sd))
  ptr <- .Call(lr_prepost, inst$ptr, a$values, a$names, id_text(pre[[id]]),
               if (is.null(group)) NULL else id_text(pre[[group]]), names_[1],
               b$values, b$names, id_text(post[[id]]), names_[2], opts)
  check_failure(ptr, a$names)
  res <- prepost_result(ptr, inst, names_, other_wave)
  if (length(keep))
    res$respondents <- keep_columns(res$respondents, pre, id, group, keep)
  res
}

# The kept columns of each pair's pre row (ids compared as the library does: trimmed text),
# after the id and group columns, as libra prepost --keep writes them.
keep_columns <- function(respondents, pre, id, group, keep) {
  row <- match(respondents$id, trimws(id_text(pre[[id]])))
  kept <- lapply(keep, function(k) {
    x <- pre[[k]]
    if (inherits(x, "haven_labelled")) as.vector(unclass(x))[row] else x[row]
  })
  names(kept) <- keep
  front <- seq_len(1 + !is.null(group))
  cbind(respondents[front], as.data.frame(kept, stringsAsFactors = FALSE, optional = TRUE), respondents[-front])
}

# The result of a run: its tables and document read from the library, with more parts for waves.
prepost_result <- function(ptr, inst, sources, other_wave, more = list()) {
  respondents <- as.data.frame(.Call(lr_prepost_respondents, ptr), stringsAsFactors = FALSE, optional = TRUE)
  summary <- as.data.frame(.Call(lr_prepost_summary, ptr), stringsAsFactors = FALSE)
  document <- jsonlite::fromJSON(check_failure(.Call(lr_prepost_output, ptr, 0L)), simplifyVector = FALSE)
  counts <- .Call(lr_prepost_counts, ptr)
  if (!is.null(other_wave)) # rows of a long data frame left out in R; from files, the library's count
    counts[["other_wave"]] <- other_wave
  more <- lapply(more, function(f) f(document))
  structure(c(list(respondents = respondents, summary = summary, document = document, counts = counts,
                   instrument = inst, sources = sources, ptr = ptr), more),
            class = "libra_prepost")
}

is_file <- function(x) is.character(x) && length(x) == 1 && !is.na(x)

# With waves: the paths when every wave is given as a file (a character vector
# or a list of paths), NULL when every one is a data frame (or one long data frame).
wave_files <- function(data) {
  if (is.character(data) && !anyNA(data))
    return(data)
  if (is.list(data) && !is.data.frame(data) && length(data)) {
    file <- vapply(data, is_file, NA)
    if (all(file))
      return(unlist(data, use.names = FALSE))
    if (any(file))
      stop("prepost(): give every wave as a file, or every wave as a data frame")
  }
  NULL
}

# Files, read by the library as `libra prepost` reads them (CSV, Excel, SPSS,
# Stata): two files, one long file with wave, or, with waves, one file per
# wave or one long file with wave_column. Every diagnostic names the file,
# line and column.
prepost_files <- function(files, inst, waves, wave, pre_value, post_value, id, group, cluster, reference_group,
                          on_duplicate, reliability, rci_sd, prefix, map, value_labels, keep, delimiter, missing,
                          threads) {
  fn <- "prepost"
  for (x in list(list(id, "id"), list(group, "group"), list(cluster, "cluster"), list(wave, "wave")))
    one_string(x[[1]], x[[2]], fn)
  if (!is.null(keep) && (!is.character(keep) || anyNA(keep) || any(!nzchar(keep)) || anyDuplicated(keep)))
    stop("prepost(): keep must be column names, none empty, each once")
  if (!is.numeric(threads) || length(threads) != 1 || is.na(threads) || threads != round(threads) ||
      threads < 1 || threads > 1024)
    stop("prepost(): threads must be a whole number from 1 to 1024")
  if (!is.null(waves)) {
    if (!is.character(waves) || length(waves) < 2 || anyNA(waves) || any(trimws(waves) != waves) ||
        any(waves == "") || anyDuplicated(waves))
      stop("prepost(): waves must name at least two waves, baseline first, each once, like c(\"base\", \"post\")")
    if (is.null(wave) && length(files) != length(waves))
      stop(sprintf("prepost(): %d waves named, but %d files given (or give one long file and wave_column)",
                   length(waves), length(files)))
    if (!is.null(wave) && length(files) != 1)
      stop("prepost(): with wave_column, give one long file")
    if (!is.null(reference_group) && is.null(group))
      stop("prepost(): reference_group needs group (the column with each respondent's arm)")
  } else {
    if (!is.null(cluster) || !is.null(reference_group))
      stop("prepost(): cluster and reference_group need waves = c(baseline, later waves...)")
    if (length(files) == 1 && is.null(wave))
      stop("prepost(): give post, or one long file with wave = its wave column")
    if (length(files) == 2 && !is.null(wave))
      stop("prepost(): wave is for one long file; two files are pre and post")
    if (!is.null(wave) && (!is_file(pre_value) || !is_file(post_value) || pre_value == post_value))
      stop("prepost(): pre_value and post_value must be two different strings")
  }
  files <- path.expand(files)
  missing_files <- files[!file.exists(files)]
  if (length(missing_files))
    stop(sprintf("prepost(): no such file %s", paste0("\"", missing_files, "\"", collapse = ", ")))
  opts <- list(group, if (on_duplicate == "error") 0L else 1L,
               if (is.null(reliability)) NA_real_ else as.double(reliability),
               if (is.null(rci_sd)) NA_real_ else as.double(rci_sd), cluster, reference_group, id, as.integer(threads))
  ptr <- check_failure(.Call(lr_prepost_files, inst$ptr, files, if (is.null(waves)) NULL else as.character(waves),
                             list(wave, as.character(pre_value), as.character(post_value)), opts,
                             reading_options(prefix, map, delimiter, missing, value_labels, fn),
                             as.character(keep)))
  sources <- c(basename(files[1]), if (is.null(waves) && length(files) == 2) basename(files[2]) else NA)
  if (is.null(waves))
    return(prepost_result(ptr, inst, sources, NULL))
  prepost_result(ptr, inst, sources, NULL, list(waves = function(d) waves, by_wave = tidy_waves, icc = tidy_icc))
}

prepost_waves <- function(data, post, inst, id, group, wave, waves, cluster, reference_group,
                          on_duplicate, reliability, rci_sd, prefix, map, value_labels) {
  if (!is.character(waves) || length(waves) < 2 || anyNA(waves) || any(trimws(waves) != waves) ||
      any(waves == "") || anyDuplicated(waves))
    stop("prepost(): waves must name at least two waves, baseline first, each once, like c(\"base\", \"post\")")
  if (!is.null(post))
    stop("prepost(): with waves, give the data as one list (one data frame or file per wave) or one long data frame")
  if (!is.null(reference_group) && is.null(group))
    stop("prepost(): reference_group needs group (the column with each respondent's arm)")
  if (!is.null(wave)) {
    long <- data
    if (!is.data.frame(long))
      stop("prepost(): with wave_column, data must be one long data frame (or the path of one long file)")
    if (!wave %in% names(long))
      stop(sprintf("prepost(): no column \"%s\" in the data", wave))
    w <- trimws(id_text(long[[wave]]))
    sets <- lapply(waves, function(v) long[!is.na(w) & w == v, , drop = FALSE])
    other_wave <- sum(is.na(w) | !(w %in% waves))
  } else {
    if (is.data.frame(data) || !is.list(data) && !is.character(data))
      stop("prepost(): with waves, data must be a list of data frames (or files), one per wave, or a long data frame with wave_column")
    if (length(data) != length(waves))
      stop(sprintf("prepost(): %d waves named, but %d data sets given", length(waves), length(data)))
    if (!all(vapply(data, is.data.frame, NA)))
      stop("prepost(): with waves, give every wave as a data frame, or every wave as a file")
    sets <- data
    other_wave <- 0
  }
  for (k in seq_along(sets)) {
    need <- c(id, if (k == 1) c(group, cluster))
    miss <- setdiff(need, names(sets[[k]]))
    if (length(miss))
      stop(sprintf("prepost(): no column %s in the %s data", paste0("\"", miss, "\"", collapse = ", "), waves[k]))
  }
  inputs <- lapply(sets, function(d) item_inputs(inst, d, prefix, map, value_labels))
  base <- sets[[1]]
  opts <- list(group, if (on_duplicate == "error") 0L else 1L,
               if (is.null(reliability)) NA_real_ else as.double(reliability),
               if (is.null(rci_sd)) NA_real_ else as.double(rci_sd), cluster, reference_group)
  ptr <- .Call(lr_prepost_waves, inst$ptr, lapply(inputs, `[[`, "values"), lapply(inputs, `[[`, "names"),
               lapply(sets, function(d) id_text(d[[id]])),
               if (is.null(group)) NULL else id_text(base[[group]]),
               if (is.null(cluster)) NULL else id_text(base[[cluster]]), waves, opts)
  check_failure(ptr, inputs[[1]]$names)
  prepost_result(ptr, inst, c(waves[1], NA), other_wave,
                 list(waves = function(d) waves, by_wave = tidy_waves, icc = tidy_icc))
}

num <- function(x) if (is.null(x)) NA_real_ else as.double(x)

# Per later wave: the flow per arm, the ANCOVA effects and the attrition, each a data frame.
tidy_waves <- function(doc) {
  out <- lapply(names(doc$by_wave), function(w) {
    bw <- doc$by_wave[[w]]
    flow <- do.call(rbind, lapply(names(bw$counts$by_group), function(g) {
      f <- bw$counts$by_group[[g]]
      data.frame(group = g, baseline_rows = num(f$baseline_rows), wave_rows = num(f$wave_rows),
                 pairs = num(f$pairs), stringsAsFactors = FALSE)
    }))
    ancova <- do.call(rbind, lapply(names(bw$scales), function(s) {
      a <- bw$scales[[s]]$groups$ancova
      if (is.null(a)) return(NULL)
      do.call(rbind, lapply(names(a$effects), function(g) {
        e <- a$effects[[g]]
        why <- unique(unlist(e$null_reasons))
        data.frame(scale = s, group = g, reference = a$reference, estimate = num(e$estimate), se = num(e$se),
                   t = num(e$t), df = num(e$df), p = num(e$p), ci_low = num(e$ci95[[1]]), ci_high = num(e$ci95[[2]]),
                   n = num(a$n), clusters = num(a$clusters), vcov = a$vcov, df_method = a$df_method,
                   baseline_slope = num(a$baseline_slope),
                   reason = if (length(why)) why[1] else NA_character_, stringsAsFactors = FALSE)
      }))
    }))
    attrition <- do.call(rbind, lapply(names(bw$scales), function(s) {
      a <- bw$scales[[s]]$attrition
      data.frame(scale = s, completers_n = num(a$completers$n), completers_mean = num(a$completers$baseline_mean),
                 completers_sd = num(a$completers$baseline_sd), dropouts_n = num(a$dropouts$n),
                 dropouts_mean = num(a$dropouts$baseline_mean), dropouts_sd = num(a$dropouts$baseline_sd),
                 welch_t = num(a$welch_t), df = num(a$df), p = num(a$p), stringsAsFactors = FALSE)
    }))
    list(counts = bw$counts[setdiff(names(bw$counts), "by_group")], flow = flow, ancova = ancova,
         attrition = attrition)
  })
  stats::setNames(out, names(doc$by_wave))
}

# The baseline ICC per scale (with a cluster column), a data frame; NULL without one.
tidy_icc <- function(doc) {
  first <- doc$by_wave[[1]]$scales
  rows <- lapply(names(first), function(s) {
    i <- first[[s]]$icc_baseline
    if (is.null(i)) return(NULL)
    data.frame(scale = s, icc = num(i$icc), design_effect = num(i$design_effect), n0 = num(i$n0),
               clusters = num(i$clusters), n = num(i$n), stringsAsFactors = FALSE)
  })
  do.call(rbind, rows)
}

print.libra_prepost <- function(x, ...) {
  cat(check_failure(.Call(lr_prepost_output, x$ptr, 2L)))
  invisible(x)
}

report <- function(pp, path, min_cell = 5) {
  if (!inherits(pp, "libra_prepost"))
    stop("report(): a result of prepost() is expected")
  if (!is.numeric(min_cell) || length(min_cell) != 1 || is.na(min_cell) || min_cell < 1)
    stop("report(): min_cell must be a number >= 1")
  check_failure(.Call(lr_report, pp$ptr, path.expand(path), as.double(min_cell), pp$sources[1], pp$sources[2]))
  invisible(path)
}
