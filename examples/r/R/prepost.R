# Pre/post change from two data frames (or one long one), analysed by the C
# library from memory: the items of each wave go through its batch reader,
# the ids and groups as text.

id_text <- function(x) {
  if (inherits(x, "haven_labelled")) x <- unclass(x)
  if (is.factor(x)) x <- as.character(x)
  if (is.numeric(x)) x <- ifelse(is.na(x), NA_character_, format(x, digits = 15, trim = TRUE, scientific = FALSE))
  as.character(x)
}

prepost <- function(pre, post = NULL, inst, id = "id", group = NULL, wave = NULL,
                    pre_value = "pre", post_value = "post",
                    on_duplicate = c("error", "exclude"), reliability = NULL, rci_sd = NULL,
                    prefix = NULL, map = NULL, value_labels = FALSE, keep = NULL) {
  on_duplicate <- match.arg(on_duplicate)
  inst <- instrument(inst)
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
  respondents <- as.data.frame(.Call(lr_prepost_respondents, ptr), stringsAsFactors = FALSE, optional = TRUE)
  if (length(keep)) {
    # The kept columns of each pair's pre row (ids compared as the library does: trimmed text),
    # after the id and group columns, as libra prepost --keep writes them.
    row <- match(respondents$id, trimws(id_text(pre[[id]])))
    kept <- lapply(keep, function(k) {
      x <- pre[[k]]
      if (inherits(x, "haven_labelled")) as.vector(unclass(x))[row] else x[row]
    })
    names(kept) <- keep
    front <- seq_len(1 + !is.null(group))
    respondents <- cbind(respondents[front], as.data.frame(kept, stringsAsFactors = FALSE, optional = TRUE),
                         respondents[-front])
  }
  summary <- as.data.frame(.Call(lr_prepost_summary, ptr), stringsAsFactors = FALSE)
  document <- jsonlite::fromJSON(check_failure(.Call(lr_prepost_output, ptr, 0L)), simplifyVector = FALSE)
  counts <- .Call(lr_prepost_counts, ptr)
  counts[["other_wave"]] <- other_wave
  structure(list(respondents = respondents, summary = summary, document = document, counts = counts,
                 instrument = inst, sources = names_, ptr = ptr),
            class = "libra_prepost")
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
