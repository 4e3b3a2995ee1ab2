# Generates tests/reference/pt_wide.csv: R's pt() and qt() where pt.csv does
# not reach — degrees of freedom from 2000 to the largest double and infinity,
# t out to 1e300, and probabilities near 0 and 1 — the reference that
# tests/test_stats.c holds lm_stat_t_cdf() and lm_stat_t_quantile() to at
# 1e-12 relative (absolute below 1e-300).
#
# Run from anywhere:  Rscript tests/reference/pt_wide.R
# Base R only. Deterministic: rerunning rewrites the same bytes.
#
# Columns:
#   fn      pt (value = P(T <= x) on df) or qt (value = the t with P(T <= t) = x)
#   df, x   the arguments
#   value   the reference
#   from    which R function gave it: pt, qt, or pnorm (see below)
#
# Where R's own pt() is not exact. pt() computes x^2 / (df + x^2) and hands it
# to pbeta(). At huge df that ratio falls below the smallest normal double,
# 2.2e-308, and loses digits, down to 0 (R says pt(1e-10, 1e308) = 0.5, not
# 0.5 + 4e-11); and in the far tail at huge df it is off by up to 1.2e-13
# relative (pt(-37, 1e100) against pt(-37, 1e25) and pnorm(-37)). So for
# df >= 1e25 and |x| <= 37 the reference is pnorm(x): there
# |pt - pnorm| <= phi(x) (x^3 + x) / (4 df) (the first term of the expansion
# of the t distribution about the normal) is below 1e-18 relative, far under
# double precision, and pnorm() is exact to the last digits. The script stops
# on any point where R's pt() loses digits and pnorm() is not provably the
# same number, and checks that pt() and pnorm() agree to 2e-13 wherever
# both apply.
#
# qt() is checked by pt(): where pt() is exact, qt(p, df) must be within
# 1e-13 relative of pt()'s inverse, else the script stops.

here <- local({
	a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
	if (length(a) == 1) dirname(normalizePath(sub("^--file=", "", a))) else "tests/reference"
})

xmax <- .Machine$double.xmax
tiny <- .Machine$double.xmin # smallest normal double

# The library switches from a continued fraction to an asymptotic expansion
# at df 5000 (lib/stats.c, LARGE_DF): both sides are here.
df <- c(2000, 4999.5, 5000, 5001, 1e5, 3e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e12, 1e14, 1e15, 1e16,
	1e17, 1e20, 1e25, 1e30, 1e50, 1e100, 1e200, 1e300, 1e307, 1e308, xmax, Inf)
t_pos <- c(1e-10, 1e-5, 0.1, 1, 1.96, 2.5, 5, 10, 20, 30, 37, 38, 40, 1e3, 1e5, 1e10, 1e100,
	   1e200, 1e300)
t <- c(rev(-t_pos), 0, t_pos)

g <- expand.grid(x = t, df = df)
exact <- with(g, is.infinite(df) | x == 0 | (x * x) / (df + x * x) >= tiny |
		       # R's other branch (df <= x^2): pbeta(1 / (1 + x^2/df), ...), exact
		       df <= x * x)
normal_ok <- with(g, df >= 1e25 & abs(x) <= 37)
if (any(!exact & !normal_ok))
	stop("pt() is not exact and pnorm() not provably equal at ",
	     paste(format(g$df[!exact & !normal_ok]), format(g$x[!exact & !normal_ok]), collapse = "; "))
both <- exact & normal_ok
d <- abs(pt(g$x[both], g$df[both]) - pnorm(g$x[both])) / pmax(pnorm(g$x[both]), 1e-300)
if (max(d) > 2e-13)
	stop("pt() and pnorm() differ by ", max(d), " at df >= 1e25")
# (At df near 1e308, R warns that lgammacor()'s 1/(12 df) underflows: it
# is 0 to double precision, which is what R then uses.)
pt_quiet <- function(...) withCallingHandlers(pt(...), warning = function(w)
	if (grepl("underflow occurred in 'lgammacor'", conditionMessage(w))) invokeRestart("muffleWarning"))
cdf <- data.frame(fn = "pt", df = g$df, x = g$x,
		  value = ifelse(normal_ok, pnorm(g$x), pt_quiet(g$x, g$df)),
		  from = ifelse(normal_ok, "pnorm", "pt"))

q_df <- c(1, 2, 2000, 5000, 1e5, 1e6, 1e8, 1e10, 1e15, 1e20, 1e100, 1e308, xmax, Inf)
p <- c(1e-300, 1e-219, 1e-200, 1e-100, 1e-50, 1e-20, 1e-10, 1e-5, 0.025, 0.3, 0.5, 0.7, 0.975, 1 - 1e-5, 1 - 1e-10)
h <- expand.grid(x = p, df = q_df)
h$value <- qt(h$x, h$df)
# Quantiles so far out that no double holds them: R says -Inf, and so must
# the library (pt(-1e300, 0.5) is 3e-151, far above 1e-300).
far <- data.frame(x = c(1e-300, 1e-310, 1e-300), df = c(0.5, 1, 0.25))
far$value <- qt(far$x, far$df)
stopifnot(all(far$value == -Inf))
h <- rbind(h, far)
# qt() is right when p lies between the pt() of its value made 1e-13
# smaller and larger in magnitude (a check in t, where a quantile's accuracy
# is measured; in p the far tails would magnify rounding by t^2). Tails are
# compared on their own side, so that p near 1 keeps its digits.
checked <- is.finite(h$value) &
	(is.infinite(h$df) | h$df <= h$value^2 | h$value^2 / (h$df + h$value^2) >= tiny)
upper <- h$x > 0.5
tail_p <- ifelse(upper, 1 - h$x, h$x)
at <- function(v) ifelse(upper, pt(v, h$df, lower.tail = FALSE), pt(v, h$df)) # (lower.tail is not vectorised)
a <- at(h$value * (1 - 1e-13))
b <- at(h$value * (1 + 1e-13))
bad <- checked & !(tail_p >= pmin(a, b) & tail_p <= pmax(a, b))
if (any(bad))
	stop("qt() is not within 1e-13 of pt()'s inverse at p = ", paste(h$x[bad], collapse = ", "),
	     ", df = ", paste(h$df[bad], collapse = ", "))
quant <- data.frame(fn = "qt", df = h$df, x = h$x, value = h$value, from = "qt")

out <- rbind(cdf, quant)
fmt <- function(v) sprintf("%.17g", v)
path <- file.path(here, "pt_wide.csv")
con <- file(path, "wb") # "\n" line ends on every platform
writeLines("fn,df,x,value,from", con)
writeLines(paste(out$fn, fmt(out$df), fmt(out$x), fmt(out$value), out$from, sep = ","), con)
close(con)
cat(sprintf("wrote %s: %d rows (%d pt, %d from pnorm; %d qt), %s\n", path, nrow(out), nrow(cdf),
	    sum(normal_ok), nrow(quant), R.version.string))
