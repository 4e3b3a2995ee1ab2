# Compare an SPSS or Stata file written by libra with the CSV of the same run,
# cell by cell, through haven: Rscript check_haven.R OUT.csv OUT.sav|OUT.dta BANDS.tsv
# Numbers must be identical doubles, empty CSV cells system-missing (or empty
# text), labelled codes must carry the CSV's text as their value label (band
# ids in the CSV are band labels), text the same text.
suppressPackageStartupMessages(library(haven))
args <- commandArgs(trailingOnly = TRUE)
want <- read.csv(args[1], colClasses = "character", check.names = FALSE, na.strings = character(0),
                 encoding = "UTF-8")
got <- if (grepl("\\.sav$", args[2])) read_sav(args[2]) else read_dta(args[2])
bands <- read.delim(args[3], header = FALSE, colClasses = "character", encoding = "UTF-8")
band_label <- setNames(bands$V2, bands$V1)
stopifnot(identical(names(got), names(want)), nrow(got) == nrow(want))
cells <- 0
for (name in names(want)) {
  # Text the CSV guards against spreadsheet formulas with an apostrophe is as it was here.
  w <- sub("^'([-=+@\t\r])", "\\1", want[[name]])
  g <- got[[name]]
  where <- paste0(args[2], ": column ", name)
  if (is.labelled(g)) {
    text <- as.character(as_factor(g, levels = "labels"))
    text[is.na(text)] <- ""
    if (grepl("_band(_pre|_post)?$", name)) w <- ifelse(w == "", "", band_label[w])
    if (!identical(unname(text), unname(w))) stop(where, ": ", paste(text, collapse = "|"), " not ", paste(w, collapse = "|"))
    if (is.null(attr(g, "label"))) stop(where, ": no variable label")
  } else if (is.numeric(g)) {
    num <- ifelse(w == "", NA_real_, suppressWarnings(as.numeric(w)))
    if (!identical(as.vector(zap_formats(zap_label(g))), num)) stop(where, ": numbers differ")
  } else {
    if (!identical(as.vector(zap_formats(zap_label(g))), w)) stop(where, ": ", paste(g, collapse = "|"), " not ", paste(w, collapse = "|"))
  }
  cells <- cells + length(w)
}
cat(args[2], ": ", cells, " cells as in ", args[1], "\n", sep = "")
