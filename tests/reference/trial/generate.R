#!/usr/bin/env Rscript
# Reference numbers for the trial statistics (lib/trial-stats.c), made by R:
# summary(lm(y ~ baseline + arm)) and confint(); clubSandwich::coef_test(fit,
# vcov = "CR2", cluster = unit, test = "Satterthwaite") and conf_int(); the
# one-way ANOVA ICC from aov(). tests/test_trial_stats.c reads the CSV files
# this writes, so the C tests run without R; tests/reference/trial/check.sh
# re-runs this into a temporary directory and diffs.
# Usage: Rscript generate.R [OUTDIR]   (default: the directory of this script)
suppressMessages(library(clubSandwich))
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[1] else {
	f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
	dirname(normalizePath(f))
}
g <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))

# One dataset: n rows, arms 0..n_arms-1, clusters 0..J-1 (NA: none).
# Scores have a cluster effect, a baseline slope and an arm effect.
make <- function(sizes, cluster_arm, n_arms, effect, sd_u = 0.5, missing = 0) {
	J <- length(sizes)
	cluster <- rep(seq_len(J) - 1, sizes)
	arm <- if (is.null(cluster_arm)) sample(0:(n_arms - 1), sum(sizes), replace = TRUE)
	       else rep(cluster_arm, sizes)
	u <- rnorm(J, sd = sd_u)[cluster + 1]
	baseline <- round(20 + 6 * rnorm(length(cluster)) + 3 * u, 2)
	y <- round(8 + 0.6 * baseline + effect[arm + 1] + 2 * u + 4 * rnorm(length(cluster)), 2)
	if (missing > 0) {
		y[sample(length(y), missing)] <- NA
		baseline[sample(length(y), max(1, missing %/% 3))] <- NA
	}
	data.frame(y = y, baseline = baseline, arm = arm, cluster = cluster)
}

set.seed(20261205)
sets <- list()
# No clusters: OLS only, n = 20.
d <- make(rep(1, 20), NULL, 2, c(0, 3)); d$cluster <- NA
sets$ols_small <- list(d = d, reference = 0)
# Cluster-randomised, 30 units of unequal size (2..25), dropouts: n about 375.
sizes <- c(2, 3, 25, 4, 18, 7, 12, 15, 9, 20, 5, 14, 11, 16, 6, 22, 8, 13, 10, 19, 17, 3, 21, 9, 12, 14, 7, 24, 11, 15)
sets$crt_unequal <- list(d = make(sizes, rep(0:1, 15), 2, c(0, -2.5), missing = 30), reference = 0)
# Three arms, 24 units, reference the last arm.
sizes <- sample(2:12, 24, replace = TRUE)
sets$three_arms <- list(d = make(sizes, rep(0:2, 8), 3, c(0, -1, -3), missing = 10), reference = 2)
# Individually randomised within units (units cross arms), unequal sizes.
sets$crossed <- list(d = make(sample(1:9, 20, replace = TRUE), NULL, 2, c(0, 1.5)), reference = 1)
# Singletons and small units mixed, n about 25.
sets$small_units <- list(d = make(c(1, 1, 2, 3, 1, 4, 2, 1, 3, 2, 1, 4), rep(0:1, 6), 2, c(0, 2)), reference = 0)
# One unit in the treatment arm: CR2 is not defined (the C side says why).
sets$one_cluster_arm <- list(d = make(c(6, 5, 7, 9), c(0, 0, 0, 1), 2, c(0, 2)), reference = 0)
# Constant baseline: a singular design.
d <- make(c(5, 6, 4, 7, 5, 6), rep(0:1, 3), 2, c(0, 1)); d$baseline <- 17
sets$constant_baseline <- list(d = d, reference = 0)
# Three arms, one with no rows: a singular design.
d <- make(c(5, 6, 4, 7, 5, 6), rep(0:1, 3), 3, c(0, 1, 0))
sets$empty_arm <- list(d = d, reference = 0)

res <- NULL; icc <- NULL
for (name in names(sets)) {
	s <- sets[[name]]; d <- s$d
	n_arms <- if (name %in% c("three_arms", "empty_arm")) 3 else 2
	write.csv(data.frame(y = g(d$y), baseline = g(d$baseline), arm = d$arm,
	                     cluster = ifelse(is.na(d$cluster), "NA", d$cluster)),
	          file.path(out, paste0(name, ".csv")), row.names = FALSE, quote = FALSE)
	cc <- d[!is.na(d$y) & !is.na(d$baseline), ]
	cc$armf <- relevel(factor(cc$arm, levels = 0:(n_arms - 1)), ref = as.character(s$reference))
	fit <- lm(y ~ baseline + armf, data = cc)
	co <- coef(fit)
	sm <- coef(summary(fit))
	ci <- suppressWarnings(confint(fit))
	terms <- c("baseline", paste0("arm", setdiff(0:(n_arms - 1), s$reference)))
	rn <- c("baseline", paste0("armf", setdiff(0:(n_arms - 1), s$reference)))
	for (k in seq_along(terms)) {
		r <- rn[k]
		# A singular design (an aliased coefficient) gives no numbers at all
		# on the C side, where R drops the column (or the empty level) and
		# fits the rest.
		ok <- r %in% rownames(sm) && !any(is.na(co)) && length(co) == n_arms + 1
		res <- rbind(res, data.frame(dataset = name, reference = s$reference, method = "OLS", term = terms[k],
			estimate = g(if (ok) sm[r, 1] else NA), se = g(if (ok) sm[r, 2] else NA),
			t = g(if (ok) sm[r, 3] else NA), df = g(if (ok) fit$df.residual else NA),
			p = g(if (ok) sm[r, 4] else NA), lo = g(if (ok) ci[r, 1] else NA), hi = g(if (ok) ci[r, 2] else NA)))
	}
	if (all(!is.na(d$cluster))) {
		# The C side refuses CR2 with fewer than 2 units in an arm or a
		# singular design; R is asked only where the numbers are defined.
		units <- tapply(cc$cluster, cc$armf, function(x) length(unique(x)))
		defined <- !any(is.na(co)) && all(!is.na(units) & units >= 2)
		if (defined) {
			ct <- coef_test(fit, vcov = "CR2", cluster = cc$cluster, test = "Satterthwaite")
			ci2 <- conf_int(fit, vcov = "CR2", cluster = cc$cluster, test = "Satterthwaite")
		}
		for (k in seq_along(terms)) {
			r <- rn[k]
			if (defined) {
				i <- match(r, ct$Coef); i2 <- match(r, ci2$Coef)
				res <- rbind(res, data.frame(dataset = name, reference = s$reference, method = "CR2", term = terms[k],
					estimate = g(ct$beta[i]), se = g(ct$SE[i]), t = g(ct$tstat[i]), df = g(ct$df_Satt[i]),
					p = g(ct$p_Satt[i]), lo = g(ci2$CI_L[i2]), hi = g(ci2$CI_U[i2])))
			} else {
				res <- rbind(res, data.frame(dataset = name, reference = s$reference, method = "CR2", term = terms[k],
					estimate = "NA", se = "NA", t = "NA", df = "NA", p = "NA", lo = "NA", hi = "NA"))
			}
		}
		# ICC over the rows with a baseline score (attrition does not matter).
		b <- d[!is.na(d$baseline), ]
		b$cl <- factor(b$cluster)
		tab <- suppressWarnings(anova(aov(baseline ~ cl, data = b)))
		msb <- tab[["Mean Sq"]][1]; msw <- tab[["Mean Sq"]][2]
		N <- nrow(b); nj <- as.vector(table(b$cl)); J <- length(nj)
		n0 <- (N - sum(nj^2) / N) / (J - 1)
		# Scores that do not vary give no ICC (R would divide rounding noise).
		ic <- if (var(b$baseline) == 0) NA else (msb - msw) / (msb + (n0 - 1) * msw)
		icc <- rbind(icc, data.frame(dataset = name, icc = g(ic), design_effect = g(1 + (N / J - 1) * ic),
			n0 = g(n0), clusters = J, n = N))
	}
}
write.csv(res, file.path(out, "ancova.csv"), row.names = FALSE, quote = FALSE)
write.csv(icc, file.path(out, "icc.csv"), row.names = FALSE, quote = FALSE)

# The t quantile of the 95% CI at non-integer (Satterthwaite) df, including
# those of the fits above: the library's is held to 1e-12 relative here.
dfs <- c(0.7, 1.5, 2.25, 2.5841982122082117, 3.3, 4.75, 7.633629365137689, 11.155384606720947,
	12.890525644967738, 17.14274008933047, 18.172967120678276, 21.215813347823023, 41.7, 99.5, 1234.5678)
write.csv(data.frame(df = g(dfs), p = g(0.975), q = g(qt(0.975, dfs))), file.path(out, "qt.csv"),
	row.names = FALSE, quote = FALSE)
