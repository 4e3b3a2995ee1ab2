# Scoring a data frame: find each item's column (map, prefix, or the item's
# id, as the command line does), hand the columns to the C library's batch
# call, and put its arrays into a data frame.

# The data frame column of each item (NA: none), as `libra score` finds it:
# an explicit mapping first, then `<prefix><n>` for item `<instrument>_<n>`
# (the whole id after the prefix otherwise), else the item id itself.
item_columns <- function(inst, data, prefix = NULL, map = NULL) {
  ids <- inst$info$items$id
  want <- ids
  if (!is.null(prefix) && nzchar(prefix)) {
    stem <- paste0(inst$info$id, "_")
    tail <- ifelse(startsWith(ids, stem), substring(ids, nchar(stem) + 1), ids)
    want <- paste0(prefix, tail)
  }
  if (!is.null(map)) {
    if (is.character(map) && length(map) == 1 && is.null(names(map)))
      map <- utils::read.csv(map, stringsAsFactors = FALSE, colClasses = "character")
    if (is.data.frame(map)) {
      if (!all(c("item", "column") %in% names(map)))
        stop("map: a data frame (or mapping file) with columns item and column is expected")
      map <- stats::setNames(map$column, map$item)
    }
    if (!is.character(map) || is.null(names(map)))
      stop("map: a named character vector (item = column), a data frame or a mapping file is expected")
    unknown <- setdiff(names(map), ids)
    if (length(unknown))
      stop(sprintf("map names item%s %s, which %s does not have", if (length(unknown) > 1) "s" else "",
                   paste(unknown, collapse = ", "), inst$info$id))
    twice <- unique(names(map)[duplicated(names(map))])
    if (length(twice))
      stop(sprintf("map: item %s is mapped twice", paste(twice, collapse = ", ")))
    want[match(names(map), ids)] <- map
  }
  stats::setNames(ifelse(want %in% names(data), want, NA_character_), ids)
}

# One column as the batch call takes it: double (NA blank) or character (NA blank).
as_item_column <- function(x, value_labels, codes) {
  if (inherits(x, "haven_labelled")) {
    labels <- attr(x, "labels", exact = TRUE)
    v <- as.double(unclass(x))
    if (!value_labels || is.null(labels))
      return(v)
    # As SPSS files read with value labels: a labelled value by its label's text,
    # unless it is one of the instrument's missing codes, which stay codes.
    text <- names(labels)[match(v, unclass(labels))]
    keep <- is.na(text) | v %in% codes
    text[keep] <- ifelse(is.na(v[keep]), NA_character_, format(v[keep], digits = 15, trim = TRUE))
    return(text)
  }
  if (is.factor(x))
    return(as.character(x))
  if (is.character(x))
    return(x)
  if (is.numeric(x) || is.logical(x))
    return(if (is.object(x) || !is.null(attributes(x))) as.double(x) else x) # integers: converted in C
  stop(sprintf("a column of class %s cannot hold item values", class(x)[1]))
}

data_name <- function(expr) {
  if (is.symbol(expr)) as.character(expr) else "data"
}

item_inputs <- function(inst, data, prefix, map, value_labels) {
  if (!is.data.frame(data))
    stop("a data frame (or tibble) is expected")
  cols <- item_columns(inst, data, prefix, map)
  codes <- inst$info$missing$value
  values <- lapply(cols, function(c) if (is.na(c)) NULL else as_item_column(data[[c]], value_labels, codes))
  list(values = unname(values), names = unname(ifelse(is.na(cols), names(cols), cols)))
}

score <- function(data, inst, id = NULL, keep = NULL, prefix = NULL, map = NULL,
                  value_labels = FALSE, on_bad = c("error", "reject")) {
  on_bad <- match.arg(on_bad)
  name <- data_name(substitute(data))
  inst <- instrument(inst)
  if (!is.data.frame(data))
    stop("score(): data must be a data frame (or tibble)")
  if (is.null(id) && "id" %in% names(data))
    id <- "id"
  missing_cols <- setdiff(c(id, keep), names(data))
  if (length(missing_cols))
    stop(sprintf("score(): no column %s in the data", paste0("\"", missing_cols, "\"", collapse = ", ")))
  inputs <- item_inputs(inst, data, prefix, map, value_labels)
  res <- .Call(lr_score, inst$ptr, inputs$values, inputs$names, as.double(nrow(data)),
               on_bad == "reject", name)
  if (res$failed)
    stop(libra_condition(res$problems, inputs$names))
  if (on_bad == "reject" && !is.null(res$problems))
    warning(libra_condition(res$problems, inputs$names, warning = TRUE))
  front <- lapply(c(id, keep), function(c) {
    x <- data[[c]]
    if (inherits(x, "haven_labelled")) as.vector(unclass(x)) else x
  })
  names(front) <- c(id, keep)
  out <- c(front, res$columns)
  out <- as.data.frame(out, stringsAsFactors = FALSE, optional = TRUE)
  attr(out, "row.names") <- .set_row_names(nrow(data))
  out
}
