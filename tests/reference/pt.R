# Generates tests/reference/pt.csv: R's pt() and qt() on a grid of degrees of
# freedom and t values, the reference that tests/test_stats.c holds
# lm_stat_t_cdf() and lm_stat_t_quantile() to (relative 1e-10; see there).
#
# Run from anywhere:  Rscript tests/reference/pt.R
# Base R only. Deterministic: rerunning rewrites the same bytes.
#
# Columns:
#   df, t   the grid (every df with every t)
#   pt      pt(t, df)          = P(T <= t)
#   qt975   qt(0.975, df)      (the same for every t of one df)
#
# A note on R's pt() at large df: very old R (<= 2.6.0) switched to a normal
# approximation (Abramowitz & Stegun 26.7.8) for df > 4e5. Current R keeps
# that code behind `#ifdef R_version_le_260` (never defined) and computes
# pt() through pbeta() (TOMS 708) at every df, i.e. exactly. The script
# checks this, so that the reference at df > 4e5 is the exact value and not
# an approximation.

here <- local({
	a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
	if (length(a) == 1) dirname(normalizePath(sub("^--file=", "", a))) else "tests/reference"
})

df <- c(1, 1.5, 2, 2.5, 3, 4, 4.7, 5, 7, 10, 15, 20, 29, 30, 50, 100, 250, 1000,
	5000, 12345.6, 1e5, 3e5, 4e5, 400001, 5e5, 750000, 1e6)
t_pos <- c(1e-10, 0.001, 0.1, 0.5, 1, 1.5, 1.96, 2, 2.5, 3, 4, 5, 7.5, 10, 15, 20,
	   25, 30, 35, 40)
t <- c(rev(-t_pos), 0, t_pos)

grid <- expand.grid(t = t, df = df)[, c("df", "t")]
grid$pt <- pt(grid$t, grid$df)
grid$qt975 <- qt(0.975, grid$df)

# Check that pt() is the exact incomplete-beta form at every df (no normal
# approximation): R's own formula from nmath/pt.c, with nx = 1 + t^2/df,
#   P(T <= -|t|) = I_{t^2/(df+t^2)}-upper(1/2, df/2) / 2   when df > t^2,
#                = I_{1/nx}(df/2, 1/2) / 2                  otherwise.
# (The A&S approximation it once used is off by 4e-8 relative at df = 1e6,
# t = -10, so this check would catch it.)
exact <- with(grid, {
	x2 <- t * t
	nx <- 1 + (t / df) * t
	stopifnot(nx <= 1e100) # R takes a log-space branch beyond; not on this grid
	tail <- ifelse(df > x2,
		       pbeta(x2 / (df + x2), 0.5, df / 2, lower.tail = FALSE),
		       pbeta(1 / nx, df / 2, 0.5)) / 2
	ifelse(t < 0, tail, 1 - tail)
})
rel <- abs(grid$pt - exact) / pmax(abs(exact), 1e-300)
if (max(rel) > 1e-15)
	stop("pt() differs from its pbeta() form by ", max(rel),
	     ": this R approximates pt() somewhere; the reference would not be exact")

fmt <- function(v) sprintf("%.17g", v)
path <- file.path(here, "pt.csv")
con <- file(path, "wb") # "\n" line ends on every platform
writeLines("df,t,pt,qt975", con)
writeLines(paste(fmt(grid$df), fmt(grid$t), fmt(grid$pt), fmt(grid$qt975), sep = ","), con)
close(con)
cat(sprintf("wrote %s: %d rows (%d df x %d t), %s\n", path, nrow(grid), length(df), length(t),
	    R.version.string))
