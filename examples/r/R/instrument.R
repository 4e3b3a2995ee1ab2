#' @export
instrument <- function(spec) {
  if (inherits(spec, "libra_instrument"))
    return(spec)
  if (!is.character(spec) || length(spec) != 1 || is.na(spec))
    stop("instrument(): give an instrument id (built in, see builtin_instruments(), or on the search path, ",
         "see ?instrument) or the path of a definition file")
  ptr <- check_failure(.Call(lr_load, path.expand(spec)))
  structure(list(ptr = ptr, info = .Call(lr_info, ptr)), class = "libra_instrument")
}

builtin_instruments <- function() .Call(lr_builtins)

number <- function(x) format(x, digits = 15, trim = TRUE)

print.libra_instrument <- function(x, ...) {
  i <- x$info
  cat(i$id, ": ", i$name, "\n", sep = "")
  cat("version: ", i$version, "\nsource: ", i$source, "\n", sep = "")
  for (f in c("period", "citation", "terms"))
    if (!is.na(i[[f]])) cat(f, ": ", i[[f]], "\n", sep = "")
  if (length(i$notes)) cat("notes:\n", paste0("  - ", i$notes, "\n"), sep = "")
  items <- i$items
  cat("\nitems (", length(items$id), "):\n", sep = "")
  resp <- vapply(items$responses, function(r) paste(number(r$value), "=", r$label, collapse = ", "), "")
  same <- length(unique(resp)) == 1
  if (same && length(resp)) cat("  responses of every item: ", resp[1], "\n", sep = "")
  for (k in seq_along(items$id)) {
    cat(sprintf("  %2d  %-8s %s", k, items$id[k], items$label[k]))
    if (items$reversed[k]) cat("  [reverse-keyed]")
    if (!items$scored[k]) cat("  [filler: not scored]")
    if (!same) cat("\n      responses:", resp[k])
    cat("\n")
  }
  if (length(i$missing$value))
    cat("missing-value codes: ", paste(number(i$missing$value), "=", i$missing$label, collapse = ", "), "\n", sep = "")
  s <- i$scales
  cat("\nscales (", length(s$id), "):\n", sep = "")
  for (k in seq_along(s$id)) {
    cat("  ", s$id[k], ": ", s$label[k], "\n", sep = "")
    cat("    items: ", paste(items$id[s$items[[k]]], collapse = ", "), "\n", sep = "")
    cat(sprintf("    method: %s; scored with at least %d of %d items answered; range %s to %s; %s\n",
                s$method[k], s$min_answered[k], length(s$items[[k]]), number(s$min[k]), number(s$max[k]),
                gsub("_", " ", s$direction[k])))
    if (!is.na(s$cutoff[k])) cat("    clinical cut-off: ", number(s$cutoff[k]), "\n", sep = "")
    if (length(s$band_id[[k]]))
      cat("    bands: ", paste0(s$band_id[[k]], " ", number(s$band_min[[k]]), "-", number(s$band_max[[k]]),
                               collapse = ", "), "\n", sep = "")
  }
  if (length(i$rules$id)) {
    cat("\nrules (", length(i$rules$id), "):\n", sep = "")
    cat(paste0("  ", i$rules$id, ": ", i$rules$label, "\n"), sep = "")
  }
  invisible(x)
}
