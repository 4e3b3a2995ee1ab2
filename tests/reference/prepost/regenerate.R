# Computes the pre/post reference of tests/reference/prepost/ with R's own
# functions, the reference that tests/test_prepost_reference.c holds
# lm_prepost_* to (1e-9; see there):
#   summary.csv      scale,group,stat,value: counts, per-scale statistics
#                    overall and per group, the between-group comparison
#   respondents.csv  id,group,scale,pre,post,change,rci,reliable,category,
#                    band_pre,band_post: every pair, in pre-file order
# Numbers are written with "%.17g", NA where there is no value.
#
# Run from anywhere:  Rscript tests/reference/prepost/regenerate.R
# Needs R and the psych package (Debian: r-cran-psych); the C test does not.
#
# Where each number comes from (definitions: doc/PREPOST.md):
#   pre/post/change n, mean, sd   length(), mean(), sd() over the pairs with a
#                                 score at both waves
#   t, df, p, ci_low, ci_high     t.test(post, pre, paired = TRUE)
#   dz, dav                       by formula: mean(change) / sd(change),
#                                 mean(change) / ((sd(pre) + sd(post)) / 2)
#   pre_alpha, post_alpha         psych::alpha(keyed items, check.keys = FALSE)
#                                 $total$raw_alpha over ALL rows of the wave
#                                 (blank ids and unpaired rows too) whose items
#                                 of the scale are all answered; *_alpha_n is
#                                 that row count; cross-checked with the base R
#                                 formula k/(k-1) (1 - sum var(item)/var(total))
#   rci_*                         Jacobson & Truax (1991): r = the norms'
#                                 reliability when the scale has one, else
#                                 pre_alpha; SD = sd(pre) over the pairs above;
#                                 S_diff = sqrt(2) SD sqrt(1 - r);
#                                 RCI = (post - pre) / S_diff
#   reliable                      |RCI| > 1.96 towards the better end:
#                                 improved; towards the worse end:
#                                 deteriorated; else none
#   category                      with a clinical cut-off: recovered =
#                                 improved and clinical at pre and not at post
#                                 (clinical: score >= cut-off when higher is
#                                 worse, <= cut-off when higher is better);
#                                 else improved / unchanged / deteriorated
#   compare_*                     group 0 vs group 1 (order of first appearance
#                                 in the pre file): t.test(change0, change1)
#                                 (Welch); difference of means; Hedges' g =
#                                 (m0 - m1) / pooled SD x (1 - 3/(4(n0+n1) - 9))
#   counts                        pre_rows, post_rows (data rows), pairs,
#                                 pre_only, post_only, no_id (blank ids, both
#                                 waves); long_other_wave: rows of long.csv
#                                 whose wave is neither "1" nor "2"

suppressPackageStartupMessages(library(psych))

here <- local({
	a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
	if (length(a) == 1) dirname(normalizePath(sub("^--file=", "", a))) else "tests/reference/prepost"
})

## ---- Scoring key: mirrors tests/reference/prepost/instrument.yaml ---------
## Keep in step with the YAML by hand. The R package 'yaml', when installed,
## is used below only to check this block against instrument.yaml.
items <- data.frame(                         # every item: responses 1..5
	id      = c("q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"),
	reverse = c(FALSE, FALSE, TRUE, FALSE, FALSE, TRUE, FALSE, TRUE),
	stringsAsFactors = FALSE
)
lo <- 1; hi <- 5                             # reverse keying: lo + hi - x = 6 - x
scales <- list(                              # in definition order
	strain   = list(method = "sum", items = c("q1", "q2", "q3", "q4"), min_answered = 4,
			direction = "higher_is_worse", cutoff = 12, reliability = 0.80,
			bands = data.frame(id = c("low", "moderate", "high"), min = c(4, 10, 15),
					   max = c(9, 14, 20), stringsAsFactors = FALSE)),
	vitality = list(method = "mean", items = c("q5", "q6", "q7", "q8"), min_answered = 3,
			direction = "higher_is_better", cutoff = 2.5, reliability = NA, bands = NULL),
	rest     = list(method = "sum", items = c("q6"), min_answered = 1,
			direction = "higher_is_better", cutoff = NA, reliability = NA, bands = NULL)
)
## ---- end of the mirrored key ------------------------------------------------

if (requireNamespace("yaml", quietly = TRUE)) {
	def <- yaml::read_yaml(file.path(here, "instrument.yaml"))
	v <- vapply(def$responses, function(r) as.numeric(r$value), 0)
	stopifnot(min(v) == lo, max(v) == hi, is.null(def$response_sets))
	stopifnot(identical(vapply(def$items, `[[`, "", "id"), items$id),
		  identical(vapply(def$items, function(it) isTRUE(it$reverse), TRUE), items$reverse))
	stopifnot(identical(vapply(def$scales, `[[`, "", "id"), names(scales)))
	for (s in def$scales) {
		m <- scales[[s$id]]
		k <- length(s$items)
		ma <- if (is.null(s$min_answered)) k else as.numeric(s$min_answered) # no shares here
		cut <- if (is.null(s$clinical_cutoff)) NA else as.numeric(s$clinical_cutoff)
		rel <- if (is.null(s$norms$reliability)) NA else as.numeric(s$norms$reliability)
		stopifnot(identical(unlist(s$items), m$items), s$method == m$method, ma == m$min_answered,
			  s$direction == m$direction, identical(cut, m$cutoff), identical(rel, m$reliability))
		if (is.null(s$bands)) stopifnot(is.null(m$bands)) else
			stopifnot(identical(vapply(s$bands, `[[`, "", "id"), m$bands$id),
				  vapply(s$bands, function(b) as.numeric(b$min), 0) == m$bands$min,
				  vapply(s$bands, function(b) as.numeric(b$max), 0) == m$bands$max)
	}
	cat("scoring key matches instrument.yaml\n")
} else {
	cat("R package 'yaml' not installed: the key block was not checked against instrument.yaml\n")
}

## ---- Reading and scoring ---------------------------------------------------

read_wave <- function(name) {
	d <- read.csv(file.path(here, name), colClasses = "character", na.strings = character(0),
		      strip.white = FALSE, check.names = FALSE)
	stopifnot(identical(colnames(d), c("id", "group", items$id)))
	d
}
item_matrix <- function(d) {
	X <- sapply(items$id, function(i) {
		v <- trimws(d[[i]])
		v[v == ""] <- NA
		as.numeric(v)
	})
	stopifnot(all(is.na(X) | X %in% lo:hi))
	keyed <- X
	keyed[, items$reverse] <- lo + hi - X[, items$reverse]
	keyed
}
score <- function(keyed, sc) {
	K <- keyed[, sc$items, drop = FALSE]
	answered <- rowSums(!is.na(K))
	s <- switch(sc$method, sum = rowSums(K), mean = rowMeans(K, na.rm = TRUE))
	s[answered < sc$min_answered] <- NA
	s
}
# Cross-check of the multi-item scores with psych::scoreItems (one response
# range, so its reverse-keying pitfall with mixed ranges does not arise).
psych_check <- function(d, keyed) {
	X <- keyed
	X[, items$reverse] <- lo + hi - keyed[, items$reverse] # back to raw answers
	for (name in names(scales)) {
		sc <- scales[[name]]
		if (length(sc$items) < 2) next
		key <- ifelse(items$reverse[match(sc$items, items$id)], paste0("-", sc$items), sc$items)
		r <- scoreItems(list(s = key), X[, sc$items], totals = FALSE, impute = "none",
				delete = FALSE, min = lo, max = hi)
		m <- as.vector(r$scores[, 1])
		p <- if (sc$method == "sum") ifelse(r$missing[, 1] > 0, NA, m * length(sc$items)) else m
		p[length(sc$items) - r$missing[, 1] < sc$min_answered] <- NA
		mine <- score(keyed, sc)
		if (!identical(is.na(p), is.na(mine)) || max(c(0, abs(p - mine)), na.rm = TRUE) > 1e-12)
			stop("psych::scoreItems and base R disagree on ", name)
	}
}

pre <- read_wave("pre.csv")
post <- read_wave("post.csv")
K0 <- item_matrix(pre)
K1 <- item_matrix(post)
psych_check(pre, K0)
psych_check(post, K1)
S0 <- sapply(scales, score, keyed = K0)
S1 <- sapply(scales, score, keyed = K1)

## ---- Pairing ----------------------------------------------------------------

id0 <- trimws(pre$id)
id1 <- trimws(post$id)
stopifnot(!anyDuplicated(id0[id0 != ""]), !anyDuplicated(id1[id1 != ""])) # this data set has none
r0 <- which(id0 != "" & id0 %in% id1)       # the pairs, in pre-file order
r1 <- match(id0[r0], id1)
grp <- trimws(pre$group)                     # the pre row's group
groups <- unique(grp[id0 != "" & grp != ""]) # order of first appearance (rows with an id)
stopifnot(length(groups) == 2)
counts <- c(pre_rows = nrow(pre), post_rows = nrow(post), pairs = length(r0),
	    pre_only = sum(id0 != "" & !(id0 %in% id1)), post_only = sum(id1 != "" & !(id1 %in% id0)),
	    no_id = sum(id0 == "") + sum(id1 == ""))

long <- read.csv(file.path(here, "long.csv"), colClasses = "character", na.strings = character(0),
		 strip.white = FALSE, check.names = FALSE)
wave <- trimws(long$wave)
# long.csv must hold exactly the rows of pre.csv and post.csv, in their order.
plain <- function(d) `rownames<-`(d, NULL)
stopifnot(identical(colnames(long), c("wave", colnames(pre))),
	  identical(plain(long[wave == "1", -1]), plain(pre)),
	  identical(plain(long[wave == "2", -1]), plain(post)))
counts["long_other_wave"] <- sum(!(wave %in% c("1", "2")))

## ---- Statistics -------------------------------------------------------------

fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
summary_rows <- list()
emit <- function(scale, group, stat, value) {
	summary_rows[[length(summary_rows) + 1]] <<- data.frame(scale = scale, group = group, stat = stat,
								value = if (is.character(value)) value else fmt(value),
								stringsAsFactors = FALSE)
}

# Paired statistics over the pairs with a score at both waves.
change_stats <- function(a, b) {
	ok <- !is.na(a) & !is.na(b)
	a <- a[ok]; b <- b[ok]; ch <- b - a
	stopifnot(length(ch) >= 2, sd(ch) > 0)
	tt <- t.test(b, a, paired = TRUE)
	stopifnot(isTRUE(all.equal(unname(tt$estimate), mean(ch))))
	c(pre_n = length(a), pre_mean = mean(a), pre_sd = sd(a),
	  post_n = length(b), post_mean = mean(b), post_sd = sd(b),
	  change_n = length(ch), change_mean = mean(ch), change_sd = sd(ch),
	  ci_low = tt$conf.int[1], ci_high = tt$conf.int[2],
	  t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
	  dz = mean(ch) / sd(ch), dav = mean(ch) / ((sd(a) + sd(b)) / 2))
}

# Cronbach's alpha over the rows with every item of the scale answered.
alpha_of <- function(keyed, sc) {
	K <- keyed[, sc$items, drop = FALSE]
	K <- K[rowSums(is.na(K)) == 0, , drop = FALSE]
	if (ncol(K) < 2) return(c(alpha = NA, n = nrow(K)))
	a <- psych::alpha(as.data.frame(K), check.keys = FALSE, warnings = FALSE)$total$raw_alpha
	k <- ncol(K)
	base <- k / (k - 1) * (1 - sum(apply(K, 2, var)) / var(rowSums(K)))
	stopifnot(abs(a - base) < 1e-12)
	c(alpha = a, n = nrow(K))
}

for (g in seq_along(groups))
	emit("", groups[g], "group_index", g - 1)
for (k in names(counts))
	emit("", "", k, counts[[k]])

resp <- data.frame(id = id0[r0], group = grp[r0], stringsAsFactors = FALSE)
resp_rows <- list()
classes <- list()
for (name in names(scales)) {
	sc <- scales[[name]]
	a <- S0[r0, name]; b <- S1[r1, name]
	st <- change_stats(a, b)
	for (k in names(st)) emit(name, "", k, st[[k]])
	al0 <- alpha_of(K0, sc); al1 <- alpha_of(K1, sc)
	emit(name, "", "pre_alpha", al0[["alpha"]]); emit(name, "", "pre_alpha_n", al0[["n"]])
	emit(name, "", "post_alpha", al1[["alpha"]]); emit(name, "", "post_alpha_n", al1[["n"]])

	# Reliable change.
	r <- sc$reliability
	source <- "norms"
	if (is.na(r)) { r <- al0[["alpha"]]; source <- "alpha_pre" }
	if (is.na(r) || !(r > 0 && r < 1)) { r <- NA; source <- "none" }
	sd_pre <- st[["pre_sd"]]
	sdiff <- sqrt(2) * sd_pre * sqrt(1 - r)
	emit(name, "", "rci_sd", sd_pre); emit(name, "", "rci_reliability", r)
	emit(name, "", "rci_sdiff", sdiff); emit(name, "", "reliability_source", source)
	rci <- (b - a) / sdiff
	if (any(abs(abs(rci) - 1.96) < 1e-9, na.rm = TRUE))
		stop(name, ": an RCI within 1e-9 of the criterion; choose another seed")
	worse_sign <- if (sc$direction == "higher_is_worse") 1 else -1
	reliable <- ifelse(is.na(rci), NA,
			   ifelse(worse_sign * rci < -1.96, "improved",
				  ifelse(worse_sign * rci > 1.96, "deteriorated", "none")))
	clinical <- function(s) if (sc$direction == "higher_is_worse") s >= sc$cutoff else s <= sc$cutoff
	category <- if (is.na(sc$cutoff)) rep(NA_character_, length(rci)) else
		ifelse(is.na(reliable), NA,
		       ifelse(reliable == "improved", ifelse(clinical(a) & !clinical(b), "recovered", "improved"),
			      ifelse(reliable == "deteriorated", "deteriorated", "unchanged")))
	have <- !is.na(sdiff)
	emit(name, "", "improved", if (have) sum(reliable == "improved", na.rm = TRUE) else NA)
	emit(name, "", "deteriorated", if (have) sum(reliable == "deteriorated", na.rm = TRUE) else NA)
	emit(name, "", "unchanged", if (have) sum(reliable == "none", na.rm = TRUE) else NA)
	emit(name, "", "recovered", if (have && !is.na(sc$cutoff)) sum(category == "recovered", na.rm = TRUE) else NA)
	classes[[name]] <- table(factor(category, levels = c("recovered", "improved", "unchanged", "deteriorated")))

	band <- function(s) {
		if (is.null(sc$bands)) return(rep(NA_character_, length(s)))
		vapply(s, function(x) if (is.na(x)) NA_character_ else sc$bands$id[sc$bands$min <= x & x <= sc$bands$max], "")
	}

	# Per group, and the comparison of the two groups' change.
	ch <- list()
	for (g in groups) {
		in_g <- grp[r0] == g
		gs <- change_stats(a[in_g], b[in_g])
		for (k in names(gs)) emit(name, g, k, gs[[k]])
		ch[[g]] <- (b - a)[in_g & !is.na(a) & !is.na(b)]
	}
	c0 <- ch[[groups[1]]]; c1 <- ch[[groups[2]]]
	w <- t.test(c0, c1)
	n0 <- length(c0); n1 <- length(c1)
	pooled <- sqrt(((n0 - 1) * var(c0) + (n1 - 1) * var(c1)) / (n0 + n1 - 2))
	emit(name, "", "compare_difference", mean(c0) - mean(c1))
	emit(name, "", "compare_welch_t", unname(w$statistic))
	emit(name, "", "compare_df", unname(w$parameter))
	emit(name, "", "compare_p", w$p.value)
	emit(name, "", "compare_hedges_g", (mean(c0) - mean(c1)) / pooled * (1 - 3 / (4 * (n0 + n1) - 9)))

	resp_rows[[name]] <- data.frame(id = resp$id, group = resp$group, scale = name, pre = fmt(a),
					post = fmt(b), change = fmt(b - a), rci = fmt(rci),
					reliable = ifelse(is.na(reliable), "NA", reliable),
					category = ifelse(is.na(category), "NA", category),
					band_pre = ifelse(is.na(band(a)), "NA", band(a)),
					band_post = ifelse(is.na(band(b)), "NA", band(b)),
					stringsAsFactors = FALSE)
}

# The test must meet every class: each reliable-change class and a recovered
# respondent on the strain and vitality scales.
for (name in c("strain", "vitality"))
	if (any(classes[[name]] == 0)) {
		print(classes)
		stop(name, ": some clinical-significance class is empty; change the data")
	}

write_csv <- function(d, name) {
	path <- file.path(here, name)
	con <- file(path, "wb")
	writeLines(paste(colnames(d), collapse = ","), con)
	writeLines(do.call(paste, c(unname(as.list(d)), sep = ",")), con)
	close(con)
	cat(sprintf("wrote %s: %d rows\n", path, nrow(d)))
}
# Respondents scale by scale would interleave badly with pre order: write
# them respondent by respondent, scales in definition order.
rr <- do.call(rbind, resp_rows)
rr <- rr[order(match(rr$id, resp$id), match(rr$scale, names(scales))), ]
write_csv(do.call(rbind, summary_rows), "summary.csv")
write_csv(rr, "respondents.csv")
cat(sprintf("R %s.%s, psych %s; pairs %d, groups %s\n", R.version$major, R.version$minor,
	    packageVersion("psych"), counts[["pairs"]], paste(groups, collapse = ", ")))
print(do.call(rbind, classes))
