# Generates tests/conformance/data.csv: 300 synthetic respondents to the
# instrument in tests/conformance/instrument.yaml, with correlated items,
# blank cells and a few "-99" (Declined) codes. Base R only; a fixed seed and
# a pinned RNG make the output the same on every R >= 3.6.
#
# Run from anywhere:  Rscript tests/conformance/make_data.R
# (tests/conformance/README.md has the one command that also regenerates
# expected.csv.)

here <- local({
	a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
	if (length(a) == 1) dirname(normalizePath(sub("^--file=", "", a))) else "tests/conformance"
})

RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20240611)

n <- 300

# Two correlated latent traits (r = .4). c01..c06 measure f1, c07..c12 f2,
# d01..d04 both. Reverse-keyed items (as in instrument.yaml) load negatively,
# so that after reverse keying every item of a scale correlates positively.
f1 <- rnorm(n)
f2 <- 0.4 * f1 + sqrt(1 - 0.4^2) * rnorm(n)

items <- data.frame(
	id      = c(sprintf("c%02d", 1:12), sprintf("d%02d", 1:4)),
	lo      = c(rep(1, 12), rep(0, 4)),
	reverse = c(FALSE, TRUE, FALSE, FALSE, TRUE, FALSE, FALSE, FALSE, TRUE, FALSE, TRUE, FALSE,
		    FALSE, TRUE, FALSE, TRUE),
	stringsAsFactors = FALSE
)
trait <- list(f1, f1, f1, f1, f1, f1, f2, f2, f2, f2, f2, f2,
	      (f1 + f2) / 2, (f1 + f2) / 2, f1, f2)

x <- matrix(NA_integer_, n, nrow(items), dimnames = list(NULL, items$id))
for (j in seq_len(nrow(items))) {
	sign <- if (items$reverse[j]) -1 else 1
	y <- 0.75 * sign * trait[[j]] + 0.66 * rnorm(n) + rnorm(1, sd = 0.3) # item-specific shift
	# five categories: lo .. lo + 4
	x[, j] <- items$lo[j] + findInterval(y, c(-1.3, -0.45, 0.45, 1.3))
}

# Missing cells. Most respondents answer everything; some skip a few items,
# some skip many (so that every scale sees ok, prorated and insufficient rows).
kind <- sample(c("complete", "light", "heavy"), n, replace = TRUE, prob = c(0.55, 0.27, 0.18))
p <- c(complete = 0, light = 0.08, heavy = 0.40)[kind]
miss <- matrix(runif(n * ncol(x)) < p, n, ncol(x))
# One respondent with nothing answered at all, one who declined everything.
miss[150, ] <- TRUE
miss[299, ] <- TRUE
# A missing cell is left blank, or holds the missing-value code -99 (Declined).
code <- matrix(runif(n * ncol(x)) < 0.15, n, ncol(x))
code[150, ] <- FALSE
code[299, ] <- TRUE

cells <- matrix(as.character(x), n, ncol(x))
cells[miss & !code] <- ""
cells[miss & code] <- "-99"

out <- cbind(id = sprintf("r%03d", seq_len(n)), cells)
colnames(out) <- c("id", items$id)
path <- file.path(here, "data.csv")
con <- file(path, "wb") # "\n" line ends on every platform
writeLines(paste(colnames(out), collapse = ","), con)
writeLines(apply(out, 1, paste, collapse = ","), con)
close(con)
cat(sprintf("wrote %s: %d respondents, %d blank cells, %d coded cells\n",
	    path, n, sum(cells == ""), sum(cells == "-99")))
