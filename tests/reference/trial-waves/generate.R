#!/usr/bin/env Rscript
# Reference numbers for pre/post with waves as a trial (lib/prepost-trial.c,
# lib/prepost-waves.c), made by R on data generated here: per later wave and
# scale the ANCOVA (summary(lm(post ~ pre + arm)) and confint(); with a
# cluster column clubSandwich::coef_test(fit, vcov = "CR2", cluster = unit,
# test = "Satterthwaite") and conf_int()), the attrition (t.test of the
# baseline scores of completers and dropouts), the flow per arm, and the
# baseline ICC (the one-way ANOVA formula). Writes the data files
# (CASE_w1.csv ... or CASE_long.csv) and CASE.ref.csv; the instrument is
# instrument.yaml (4 items scored 0..4; total = all four, part = q_1 + q_2,
# each a sum needing every item). tests/test_prepost_trial_reference.c runs
# the library on the data and compares; check.sh (suite r) re-runs this.
# Usage: Rscript generate.R [OUTDIR]   (default: the directory of this script)
suppressMessages(library(clubSandwich))
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[1] else {
	f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
	dirname(normalizePath(f))
}
g <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))

# n respondents in clusters of the given sizes, each cluster in one arm
# (cluster_arm) or, with cluster_arm NULL, arms drawn per respondent. Items
# 0..4 from a latent score with a cluster effect, an arm effect growing with
# the wave, and some items blank (missing); some respondents leave after
# each wave (attrition, more in the last arm).
make <- function(sizes, cluster_arm, arms, waves, effect, p_missing = 0.04, p_drop = c(0.12, 0.2)) {
	J <- length(sizes); n <- sum(sizes)
	unit <- rep(seq_len(J), sizes)
	arm <- if (is.null(cluster_arm)) sample(arms, n, replace = TRUE) else rep(arms[cluster_arm], sizes)
	u <- rnorm(J, sd = 0.6)[unit]
	person <- rnorm(n)
	# Respondents in order of id, their rows shuffled within each wave.
	id <- sprintf("s%03d", seq_len(n))
	present <- rep(TRUE, n)
	rows <- list()
	for (k in seq_along(waves)) {
		if (k > 1) {
			drop <- runif(n) < p_drop[min(k - 1, length(p_drop))] * ifelse(arm == arms[length(arms)], 1.5, 1)
			present <- present & !drop
		}
		latent <- 1.8 + 0.5 * person + 0.4 * u + (k > 1) * effect[match(arm, arms)] * (k - 1) / 2
		items <- sapply(1:4, function(i) pmin(4, pmax(0, round(latent + rnorm(n, sd = 0.7)))))
		items[matrix(runif(n * 4) < p_missing, n)] <- NA
		d <- data.frame(id = id, arm = arm, unit = sprintf("u%02d", unit), items, stringsAsFactors = FALSE)
		names(d)[4:7] <- paste0("q_", 1:4)
		d <- d[present, ]
		rows[[waves[k]]] <- d[sample(nrow(d)), ]
	}
	rows
}

scores <- function(d) list(total = rowSums(d[paste0("q_", 1:4)]), part = rowSums(d[c("q_1", "q_2")]))

# One case: its waves (a list of data frames), arms in order of first
# appearance at baseline, reference arm, whether clustered. Rows: wave,
# scale, what, arm, key, value.
analyse <- function(w, reference, clustered) {
	base <- w[[1]]
	arms <- unique(base$arm)
	bs <- scores(base)
	res <- list()
	add <- function(...) res[[length(res) + 1]] <<- data.frame(..., stringsAsFactors = FALSE)
	for (s in names(bs)) {
		if (clustered) {
			ok <- !is.na(bs[[s]])
			x <- bs[[s]][ok]; cl <- base$unit[ok]
			N <- length(x); J <- length(unique(cl)); nj <- table(cl)
			m <- tapply(x, cl, mean)
			msb <- sum(nj * (m[names(nj)] - mean(x))^2) / (J - 1)
			msw <- sum((x - m[cl])^2) / (N - J)
			n0 <- (N - sum(nj^2) / N) / (J - 1)
			icc <- (msb - msw) / (msb + (n0 - 1) * msw)
			for (kv in list(c("icc", icc), c("design_effect", 1 + (N / J - 1) * icc), c("n0", n0),
					c("clusters", J), c("n", N)))
				add(wave = "", scale = s, what = "icc", arm = "", key = kv[1], value = g(as.numeric(kv[2])))
		}
	}
	for (k in 2:length(w)) {
		wn <- names(w)[k]; at <- w[[k]]; as <- scores(at)
		j <- match(base$id, at$id)
		for (a in arms) {
			add(wave = wn, scale = "", what = "flow", arm = a, key = "baseline_rows", value = g(sum(base$arm == a)))
			add(wave = wn, scale = "", what = "flow", arm = a, key = "wave_rows", value = g(sum(base$arm == a & !is.na(j))))
			add(wave = wn, scale = "", what = "flow", arm = a, key = "pairs", value = g(sum(base$arm == a & !is.na(j))))
		}
		for (s in names(bs)) {
			pre <- bs[[s]]; post <- as[[s]][j]
			# Attrition: baseline respondents with a score; completers have one at the wave.
			hasb <- !is.na(pre); comp <- hasb & !is.na(post); drop <- hasb & is.na(post)
			tt <- t.test(pre[comp], pre[drop])
			att <- c(completers_n = sum(comp), completers_mean = mean(pre[comp]), completers_sd = sd(pre[comp]),
				 dropouts_n = sum(drop), dropouts_mean = mean(pre[drop]), dropouts_sd = sd(pre[drop]),
				 welch_t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value)
			for (key in names(att))
				add(wave = wn, scale = s, what = "attrition", arm = "", key = key, value = g(att[[key]]))
			for (a in arms) {
				add(wave = wn, scale = s, what = "attrition", arm = a, key = "completers", value = g(sum(comp & base$arm == a)))
				add(wave = wn, scale = s, what = "attrition", arm = a, key = "dropouts", value = g(sum(drop & base$arm == a)))
			}
			# The ANCOVA over the pairs with both scores.
			d <- data.frame(post = post, pre = pre, arm = factor(base$arm, levels = c(reference, setdiff(arms, reference))),
					unit = base$unit)[comp, ]
			add(wave = wn, scale = s, what = "ancova", arm = "", key = "n", value = g(nrow(d)))
			add(wave = wn, scale = s, what = "ancova", arm = "", key = "clusters", value = g(if (clustered) length(unique(d$unit)) else 0))
			fit <- lm(post ~ pre + arm, data = d)
			one <- clustered && any(tapply(d$unit, d$arm, function(x) length(unique(x))) < 2)
			if (!clustered) {
				cs <- summary(fit)$coefficients; ci <- confint(fit)
				tab <- data.frame(estimate = cs[, 1], se = cs[, 2], t = cs[, 3], df = fit$df.residual, p = cs[, 4],
						  ci_low = ci[, 1], ci_high = ci[, 2])
			} else if (!one) {
				ct <- coef_test(fit, vcov = "CR2", cluster = d$unit, test = "Satterthwaite")
				ci <- conf_int(fit, vcov = "CR2", cluster = d$unit, test = "Satterthwaite", level = 0.95)
				tab <- data.frame(estimate = ct$beta, se = ct$SE, t = ct$tstat, df = ct$df_Satt, p = ct$p_Satt,
						  ci_low = ci$CI_L, ci_high = ci$CI_U)
				rownames(tab) <- names(coef(fit))
			} else {
				# An arm in one cluster: CR2 with Satterthwaite df is not defined; every number NA.
				tab <- as.data.frame(matrix(NA_real_, length(coef(fit)), 7,
							    dimnames = list(names(coef(fit)), c("estimate", "se", "t", "df", "p", "ci_low", "ci_high"))))
			}
			for (r in rownames(tab)[-1]) {
				a <- if (r == "pre") "" else sub("^arm", "", r)
				keys <- if (r == "pre") "estimate" else names(tab)
				for (key in keys)
					add(wave = wn, scale = s, what = if (r == "pre") "slope" else "ancova", arm = a, key = key,
					    value = g(tab[r, key]))
			}
		}
	}
	do.call(rbind, res)
}

write_case <- function(name, w, reference, clustered, long = FALSE) {
	if (long) {
		all <- do.call(rbind, lapply(names(w), function(k) cbind(wave = k, w[[k]])))
		all <- all[sample(nrow(all)), ]
		write.csv(all, file.path(out, paste0(name, "_long.csv")), row.names = FALSE, na = "", quote = FALSE)
	} else {
		for (k in seq_along(w))
			write.csv(w[[k]], file.path(out, sprintf("%s_w%d.csv", name, k)), row.names = FALSE, na = "", quote = FALSE)
	}
	r <- analyse(w, reference, clustered)
	write.csv(r, file.path(out, paste0(name, ".ref.csv")), row.names = FALSE, quote = FALSE)
}

set.seed(20261205)
# Cluster-randomised, three arms, 15 units of unequal size (3..24), three
# waves by file, attrition and missing items; reference "control" (not the
# first arm at baseline).
sizes <- c(3, 24, 7, 12, 5, 18, 9, 4, 15, 11, 6, 20, 8, 14, 10)
w <- make(sizes, rep(1:3, 5), c("active", "control", "booster"), c("base", "post", "follow"), c(-0.8, 0, -1.2))
write_case("crt3", w, "control", TRUE)
# Individually randomised, two arms, no cluster column: OLS; one long file, three waves.
w <- make(rep(1, 90), NULL, c("treatment", "control"), c("pre", "post", "later"), c(-0.7, 0))
write_case("ols2", w, "treatment", FALSE, long = TRUE)
# Cluster-randomised with one unit in the treatment arm: CR2 not defined
# (nulls with a reason); the ICC and attrition are.
w <- make(c(9, 6, 8, 7), c(1, 1, 1, 2), c("control", "treatment"), c("t0", "t1"), c(0, -1))
write_case("onecluster", w, "control", TRUE)
