# Computes tests/conformance/expected.csv from data.csv with psych::scoreItems,
# the reference that tests/test_conformance.c holds the scorer to (|diff| <= 1e-9).
#
# Run from anywhere:  Rscript tests/conformance/regenerate.R
# Needs R and the psych package (Debian: r-cran-psych). The C test does not.
#
# What psych::scoreItems does with missing data under the options used here
# (psych 2.2.9, ?scoreItems, and its source):
#   impute = "none", totals = FALSE: "the subject's scores are based upon the
#     average of the keyed, but non missing scores" (rowMeans(na.rm = TRUE);
#     NaN when nothing is answered).
#   impute = "none", totals = TRUE: the sum of the keyed answered items
#     (rowSums(na.rm = TRUE)): a missing item counts as 0, and a respondent with
#     nothing answered gets 0. psych warns that such totals "reflect the number
#     of items responded to". ?scoreItems suggests
#     `scores$scores[scores$missing > 0] <- NA` to drop incomplete scores.
#   $missing: the number of the scale's items that are NA, per respondent.
#   Reverse keying ("-item" in a key list) is max + min - x, with min and max
#     as given (else the min and max of the whole data).
#
# The library's rules (doc/FORMAT.md), applied here on top of psych's output:
#   sum:          psych total (totals = TRUE); NA whenever any item is missing
#                 (the ?scoreItems idiom above).
#   mean:         psych mean (totals = FALSE); NA when answered < min_answered.
#   prorated_sum: psych mean (totals = FALSE) x number of items;
#                 NA when answered < min_answered.
# "answered" is counted here from the data (not blank, not the -99 code), and
# checked against psych's $missing.
#
# A psych pitfall this script avoids: with impute = "none", scoreItems
# reverses with `max + min - neg.item`, where neg.item is the matrix of the
# scale's reversed items. Vectors of per-item min/max are then recycled down
# the rows, not across the columns, and reverse keying goes wrong whenever the
# items' ranges differ (seen with psych 2.2.9). So every call below passes a
# single min and max: a scale whose items all share one response range is
# scored by one call; a scale mixing ranges (mixed_mean, total_prorated) is
# scored by one totals = TRUE call per range, and its mean is
# (sum of the per-range totals) / (items answered).
#
# Finally every score is recomputed in plain base R, independently of psych;
# the script stops if the two disagree by more than 1e-12 or on NA.

suppressPackageStartupMessages(library(psych))

here <- local({
	a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
	if (length(a) == 1) dirname(normalizePath(sub("^--file=", "", a))) else "tests/conformance"
})

## ---- Scoring key: mirrors tests/conformance/instrument.yaml ---------------
## Keep in step with the YAML by hand (no YAML parser is needed to run this
## script). When the R package 'yaml' happens to be installed, the block is
## checked against instrument.yaml below.
missing_codes <- c(-99)                      # missing_codes: Declined
items <- data.frame(                         # items: id, response range, reverse
	id      = c("c01", "c02", "c03", "c04", "c05", "c06", "c07", "c08",
		    "c09", "c10", "c11", "c12", "d01", "d02", "d03", "d04"),
	lo      = c(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0), # responses 1..5
	hi      = c(5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4), # intensity 0..4
	reverse = c(FALSE, TRUE, FALSE, FALSE, TRUE, FALSE, FALSE, FALSE,
		    TRUE, FALSE, TRUE, FALSE, FALSE, TRUE, FALSE, TRUE),
	stringsAsFactors = FALSE
)
scales <- list(                              # scales, in definition order
	core_sum          = list(method = "sum",
				 items = c("c01", "c02", "c03", "c04", "c05", "c06"),
				 min_answered = 6),   # default: all items
	strain_mean       = list(method = "mean",
				 items = c("c05", "c06", "c07", "c08", "c09", "c10", "c11", "c12"),
				 min_answered = 5),
	recovery_prorated = list(method = "prorated_sum",
				 items = c("c07", "c08", "c09", "c10", "c11", "c12"),
				 min_answered = 5),   # 80% of 6, rounded up
	distress_prorated = list(method = "prorated_sum",
				 items = c("d01", "d02", "d03", "d04"),
				 min_answered = 3),
	mixed_mean        = list(method = "mean",
				 items = c("c01", "c02", "c11", "d01", "d02"),
				 min_answered = 3),   # 60% of 5
	total_prorated    = list(method = "prorated_sum",
				 items = c("c01", "c02", "c03", "c04", "c05", "c06", "c07", "c08",
					   "c09", "c10", "c11", "c12", "d01", "d02", "d03", "d04"),
				 min_answered = 13)   # 80% of 16, rounded up
)
## ---- end of the mirrored key ---------------------------------------------

# Optional: check the mirror against the YAML when the 'yaml' package exists.
if (requireNamespace("yaml", quietly = TRUE)) {
	def <- yaml::read_yaml(file.path(here, "instrument.yaml"))
	resp_range <- function(set) {
		v <- vapply(set, function(r) as.numeric(r$value), 0)
		c(min(v), max(v))
	}
	stopifnot(identical(vapply(def$items, `[[`, "", "id"), items$id))
	for (j in seq_along(def$items)) {
		it <- def$items[[j]]
		set <- if (is.null(it$responses)) def$responses else def$response_sets[[it$responses]]
		stopifnot(resp_range(set) == c(items$lo[j], items$hi[j]),
			  isTRUE(it$reverse) == items$reverse[j])
	}
	stopifnot(identical(vapply(def$scales, `[[`, "", "id"), names(scales)))
	for (s in def$scales) {
		m <- scales[[s$id]]
		k <- length(s$items)
		ma <- if (is.null(s$min_answered)) k
		      else if (grepl("%$", s$min_answered)) ceiling(as.numeric(sub("%$", "", s$min_answered)) * k / 100)
		      else as.numeric(s$min_answered)
		stopifnot(identical(unlist(s$items), m$items), s$method == m$method, ma == m$min_answered)
	}
	stopifnot(identical(as.numeric(vapply(def$missing_codes, function(r) as.numeric(r$value), 0)),
			    missing_codes))
	cat("scoring key matches instrument.yaml\n")
} else {
	cat("R package 'yaml' not installed: the key block was not checked against instrument.yaml\n")
}

# Read the data as text: blank cells and missing codes become NA.
raw <- read.csv(file.path(here, "data.csv"), colClasses = "character", na.strings = character(0),
		check.names = FALSE)
stopifnot(identical(colnames(raw), c("id", items$id)))
X <- sapply(items$id, function(i) {
	v <- trimws(raw[[i]])
	v[v == ""] <- NA
	v <- as.numeric(v)
	v[v %in% missing_codes] <- NA
	v
})
for (j in seq_len(nrow(items))) {
	ok <- is.na(X[, j]) | X[, j] %in% seq(items$lo[j], items$hi[j])
	if (!all(ok)) stop("item ", items$id[j], ": value outside its responses")
}

range_of <- function(ids) paste(items$lo[match(ids, items$id)], items$hi[match(ids, items$id)])
key_list <- function(ids) ifelse(items$reverse[match(ids, items$id)], paste0("-", ids), ids)

# One psych::scoreItems call: one scale (or one same-range part of it), scalar min/max.
psych_score <- function(ids, totals) {
	stopifnot(length(ids) >= 2, length(unique(range_of(ids))) == 1)
	j <- match(ids, items$id)
	r <- withCallingHandlers(
		scoreItems(list(s = key_list(ids)), X[, ids, drop = FALSE], totals = totals,
			   impute = "none", delete = FALSE, min = items$lo[j[1]], max = items$hi[j[1]]),
		# expected with totals = TRUE and impute = "none"; handled by the NA rules above
		warning = function(w) if (grepl("totals = TRUE without imputation", conditionMessage(w)))
			invokeRestart("muffleWarning"))
	list(score = as.vector(r$scores[, 1]), missing = as.vector(r$missing[, 1]))
}

expected <- data.frame(id = raw$id, stringsAsFactors = FALSE)
status <- list()
for (name in names(scales)) {
	sc <- scales[[name]]
	k <- length(sc$items)
	answered <- rowSums(!is.na(X[, sc$items, drop = FALSE]))
	parts <- split(sc$items, factor(range_of(sc$items), levels = unique(range_of(sc$items))))
	if (length(parts) == 1) {
		p <- psych_score(sc$items, totals = sc$method == "sum")
		stopifnot(p$missing == k - answered)
		score <- switch(sc$method,
			sum          = ifelse(p$missing > 0, NA, p$score),
			mean         = p$score,
			prorated_sum = p$score * k)
	} else {
		stopifnot(sc$method != "sum") # a sum needs no mean; not used here
		ps <- lapply(parts, psych_score, totals = TRUE)
		stopifnot(Reduce(`+`, lapply(ps, `[[`, "missing")) == k - answered)
		mean <- Reduce(`+`, lapply(ps, `[[`, "score")) / answered
		score <- if (sc$method == "mean") mean else mean * k
	}
	score[answered < sc$min_answered] <- NA
	expected[[name]] <- score
	status[[name]] <- table(factor(ifelse(answered < sc$min_answered, "insufficient",
					      ifelse(answered == k, "ok", "prorated")),
				       levels = c("ok", "prorated", "insufficient")))
}

# Independent check in base R, without psych.
for (name in names(scales)) {
	sc <- scales[[name]]
	j <- match(sc$items, items$id)
	keyed <- sweep(X[, j, drop = FALSE], 2, ifelse(items$reverse[j], -1, 1), `*`)
	keyed <- sweep(keyed, 2, ifelse(items$reverse[j], items$lo[j] + items$hi[j], 0), `+`)
	answered <- rowSums(!is.na(keyed))
	m <- rowMeans(keyed, na.rm = TRUE)
	base <- switch(sc$method, sum = rowSums(keyed), mean = m, prorated_sum = m * length(j))
	base[answered < sc$min_answered] <- NA
	e <- expected[[name]]
	if (!identical(is.na(e), is.na(base)) || max(c(0, abs(e - base)), na.rm = TRUE) > 1e-12)
		stop("psych and base R disagree on ", name)
}

fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
out <- cbind(id = expected$id, sapply(names(scales), function(s) fmt(expected[[s]])))
path <- file.path(here, "expected.csv")
con <- file(path, "wb")
writeLines(paste(colnames(out), collapse = ","), con)
writeLines(apply(out, 1, paste, collapse = ","), con)
close(con)

cat(sprintf("wrote %s: %d respondents (psych %s)\n", path, nrow(out), packageVersion("psych")))
print(do.call(rbind, status))
