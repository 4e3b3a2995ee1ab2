# Generates the synthetic pre/post data of tests/reference/prepost/:
#   pre.csv, post.csv  one table per wave: id, group, q1..q8
#   long.csv           the same rows as one table with a `wave` column
#                      ("1" = pre, "2" = post), plus rows of a third wave
# for the instrument in instrument.yaml. Base R only; a fixed seed and a pinned
# RNG make the output the same on every R >= 3.6.
#
# Run from anywhere:  Rscript tests/reference/prepost/make_data.R
# (tests/reference/README.md has the one command that also regenerates the
# reference outputs.)
#
# What the data contain, on purpose:
#   - 200 respondents with an id at pre, in two groups ("treatment" first in
#     the pre file, then "control"), two with a blank group;
#   - 186 of them also at post (14 drop out), and 8 post-only ids; the post
#     rows are shuffled (pairing is by id, not by position);
#   - ids are text: "007" is at pre only, "7" at post only (not a pair);
#     one post id has blanks around it (" p010 "), which do not count;
#   - in each wave a few rows with a blank id (three at pre, two at post, one
#     of them only blanks);
#   - two post rows carry a group other than their pre row's (the group is
#     the pre row's);
#   - blank cells, so that the sum scale loses respondents, the mean scale
#     prorates some and loses a few;
#   - no id twice in one wave.
# The treatment group improves, the control group hardly changes, and the
# individual change varies enough that the strain and vitality scales have
# reliably improved, unchanged, deteriorated and recovered respondents
# (regenerate.R checks that).

here <- local({
	a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
	if (length(a) == 1) dirname(normalizePath(sub("^--file=", "", a))) else "tests/reference/prepost"
})

RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20240921)

n <- 200
ids <- sprintf("p%03d", seq_len(n))
ids[37] <- "007"                                   # pre only (see below)
group <- ifelse(runif(n) < 0.5, "treatment", "control")
group[1] <- "treatment"                            # first appearance: treatment, then control
group[c(58, 141)] <- ""                            # no group: in the overall results only

# Latent strain S and vitality V (r = -.5) at pre; at post each moves towards
# better by a group effect, with individual variation.
S0 <- rnorm(n)
V0 <- -0.5 * S0 + sqrt(1 - 0.25) * rnorm(n)
effect <- ifelse(group == "treatment", 0.9, 0.15)
S1 <- 0.55 * S0 + sqrt(1 - 0.55^2) * rnorm(n) - effect
V1 <- 0.55 * V0 + sqrt(1 - 0.55^2) * rnorm(n) + 0.8 * effect

# Items: q1..q4 measure S (q3 reverse-worded), q5..q8 measure V (q6 and q8
# reverse-worded); a reverse-worded item loads negatively, so after reverse
# keying every item of a scale correlates positively. Five categories 1..5.
sign <- c(1, 1, -1, 1, 1, -1, 1, -1)
shift <- rnorm(8, sd = 0.3)                        # item difficulty
items_of <- function(S, V) {
	m <- length(S)
	x <- matrix(NA_integer_, m, 8, dimnames = list(NULL, sprintf("q%d", 1:8)))
	for (j in 1:8) {
		f <- if (j <= 4) S else V
		y <- 0.8 * sign[j] * f + 0.6 * rnorm(m) + shift[j]
		x[, j] <- 1L + findInterval(y, c(-1.3, -0.45, 0.45, 1.3))
	}
	x
}
X0 <- items_of(S0, V0)
X1 <- items_of(S1, V1)

# Blank cells: most rows complete, some with a few blanks, a few with many.
blanks <- function(m) {
	kind <- sample(c("complete", "light", "heavy"), m, replace = TRUE, prob = c(0.75, 0.2, 0.05))
	p <- c(complete = 0, light = 0.1, heavy = 0.5)[kind]
	matrix(runif(m * 8) < p, m, 8)
}
cells <- function(X) {
	out <- matrix(as.character(X), nrow(X), ncol(X), dimnames = dimnames(X))
	out[blanks(nrow(X))] <- ""
	out
}
C0 <- cells(X0)
C1 <- cells(X1)

pre <- data.frame(id = ids, group = group, C0, stringsAsFactors = FALSE, check.names = FALSE)

# Post: 14 drop-outs (among them "007"), then shuffled; 8 new ids, among them "7".
drop <- sort(c(37, sample(setdiff(seq_len(n), c(1, 10, 37)), 13)))
keep <- setdiff(seq_len(n), drop)
post <- data.frame(id = ids[keep], group = group[keep], C1[keep, ], stringsAsFactors = FALSE,
		   check.names = FALSE)
post$group[match(c("p020", "p021"), post$id)] <- c("control", "other")     # ignored: the pre row's counts
post$id[post$id == "p010"] <- " p010 "                                 # the same respondent
new <- data.frame(id = c("7", sprintf("n%02d", 1:7)), group = "control",
		  items_of(rnorm(8), rnorm(8)), stringsAsFactors = FALSE, check.names = FALSE)
post <- rbind(post, new)
post <- post[sample(nrow(post)), ]

# Rows without an id: three at pre, two at post (one of them only blanks).
noid <- function(k, grp) {
	d <- data.frame(id = rep("", k), group = grp, items_of(rnorm(k), rnorm(k)),
			stringsAsFactors = FALSE, check.names = FALSE)
	d
}
pre <- rbind(pre[1:50, ], noid(1, "control"), pre[51:120, ], noid(2, c("treatment", "control")),
	     pre[121:n, ])
nid <- noid(2, "treatment")
nid$id[2] <- "  "
post <- rbind(post[1:30, ], nid[1, ], post[31:150, ], nid[2, ], post[151:nrow(post), ])

stopifnot(!anyDuplicated(trimws(pre$id[trimws(pre$id) != ""])),
	  !anyDuplicated(trimws(post$id[trimws(post$id) != ""])))

write_table <- function(d, name) {
	path <- file.path(here, name)
	con <- file(path, "wb") # "\n" line ends on every platform
	writeLines(paste(colnames(d), collapse = ","), con)
	writeLines(apply(d, 1, paste, collapse = ","), con)
	close(con)
	cat(sprintf("wrote %s: %d rows\n", path, nrow(d)))
}
write_table(pre, "pre.csv")
write_table(post, "post.csv")

# The long form: the wave column first, pre and post rows interleaved (each
# wave's rows keep their order), and two rows of a third wave, one of them
# with an id that is paired in waves 1 and 2.
third <- data.frame(id = c("p001", "x99"), group = "control", items_of(rnorm(2), rnorm(2)),
		    stringsAsFactors = FALSE, check.names = FALSE)
long <- rbind(cbind(wave = "1", pre, stringsAsFactors = FALSE),
	      cbind(wave = "2", post, stringsAsFactors = FALSE),
	      cbind(wave = "3", third, stringsAsFactors = FALSE))
key <- c(seq_len(nrow(pre)) * 2, seq_len(nrow(post)) * 2 + 1, c(40.5, 301.5))
long <- long[order(key), ]
write_table(long, "long.csv")
