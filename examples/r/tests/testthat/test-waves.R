# Waves as a trial: three arms in 15 units of unequal size, three waves with
# attrition and blank items (inst/extdata/trial_w*.csv, made by the
# library's tests/reference/trial-waves/generate.R). The ANCOVA equals lm()
# and confint() (and, with clusters, clubSandwich's CR2 with Satterthwaite
# df), the attrition t.test(), the ICC the one-way ANOVA formula.

trial <- function() lapply(1:3, function(k) read.csv(extdata(sprintf("trial_w%d.csv", k)), stringsAsFactors = FALSE))
trial_inst <- function() instrument(extdata("trial.yaml"))
WAVES <- c("base", "post", "follow")

# Per baseline respondent: arm, unit, the total at baseline and at wave k (NA: none).
pairs_at <- function(w, inst, k) {
  s0 <- score(w[[1]], inst, id = "id", keep = c("arm", "unit"))
  sk <- score(w[[k]], inst, id = "id")
  data.frame(arm = s0$arm, unit = s0$unit, pre = s0$total, post = sk$total[match(s0$id, sk$id)],
             stringsAsFactors = FALSE)
}

test_that("waves from data frames: the ANCOVA with clusters equals clubSandwich's CR2, the ICC its formula", {
  skip_if_not_installed("clubSandwich")
  w <- trial(); inst <- trial_inst()
  pp <- prepost(w, inst = inst, waves = WAVES, group = "arm", cluster = "unit", reference_group = "control")
  expect_equal(pp$waves, WAVES)
  expect_equal(names(pp$by_wave), c("post", "follow"))
  for (k in 2:3) {
    d <- pairs_at(w, inst, k)
    d <- d[!is.na(d$pre) & !is.na(d$post), ]
    d$arm <- factor(d$arm, levels = c("control", setdiff(unique(w[[1]]$arm), "control")))
    fit <- lm(post ~ pre + arm, data = d)
    ct <- clubSandwich::coef_test(fit, vcov = "CR2", cluster = d$unit, test = "Satterthwaite")
    ci <- clubSandwich::conf_int(fit, vcov = "CR2", cluster = d$unit, test = "Satterthwaite")
    a <- pp$by_wave[[WAVES[k]]]$ancova
    a <- a[a$scale == "total", ]
    for (g in c("active", "booster")) {
      row <- paste0("arm", g)
      e <- a[a$group == g, ]
      expect_equal(e$estimate, unname(coef(fit)[row]), tolerance = 1e-9)
      expect_equal(e$se, ct$SE[ct$Coef == row], tolerance = 1e-9)
      expect_equal(e$df, ct$df_Satt[ct$Coef == row], tolerance = 1e-9)
      expect_equal(e$p, ct$p_Satt[ct$Coef == row], tolerance = 1e-9)
      expect_equal(c(e$ci_low, e$ci_high), c(ci$CI_L[ci$Coef == row], ci$CI_U[ci$Coef == row]), tolerance = 1e-9)
      expect_equal(e$vcov, "CR2")
      expect_equal(e$reference, "control")
      expect_equal(e$n, nrow(d))
      expect_equal(e$clusters, length(unique(d$unit)))
    }
  }
  s0 <- score(w[[1]], inst, id = "id", keep = "unit")
  ok <- !is.na(s0$total)
  x <- s0$total[ok]; cl <- s0$unit[ok]
  N <- length(x); J <- length(unique(cl)); nj <- table(cl); m <- tapply(x, cl, mean)
  msb <- sum(nj * (m[names(nj)] - mean(x))^2) / (J - 1)
  msw <- sum((x - m[cl])^2) / (N - J)
  n0 <- (N - sum(nj^2) / N) / (J - 1)
  icc <- pp$icc[pp$icc$scale == "total", ]
  expect_equal(icc$icc, (msb - msw) / (msb + (n0 - 1) * msw), tolerance = 1e-9)
  expect_equal(icc$clusters, J)
})

test_that("without a cluster column the ANCOVA is lm() and confint(); the attrition is t.test()", {
  w <- trial(); inst <- trial_inst()
  pp <- prepost(w, inst = inst, waves = WAVES, group = "arm")
  expect_null(pp$icc)
  d <- pairs_at(w, inst, 3)
  comp <- !is.na(d$pre) & !is.na(d$post); drop <- !is.na(d$pre) & is.na(d$post)
  dd <- d[comp, ]
  dd$arm <- factor(dd$arm, levels = unique(w[[1]]$arm))
  fit <- lm(post ~ pre + arm, data = dd)
  cs <- summary(fit)$coefficients; ci <- confint(fit)
  a <- pp$by_wave$follow$ancova
  g <- levels(dd$arm)[2]
  e <- a[a$scale == "total" & a$group == g, ]
  row <- paste0("arm", g)
  expect_equal(c(e$estimate, e$se, e$t, e$p), unname(cs[row, ]), tolerance = 1e-9)
  expect_equal(e$df, fit$df.residual)
  expect_equal(c(e$ci_low, e$ci_high), unname(ci[row, ]), tolerance = 1e-9)
  expect_equal(e$vcov, "OLS")
  expect_true(is.na(e$clusters))
  tt <- t.test(d$pre[comp], d$pre[drop])
  at <- pp$by_wave$follow$attrition
  at <- at[at$scale == "total", ]
  expect_equal(at$completers_n, sum(comp))
  expect_equal(at$welch_t, unname(tt$statistic), tolerance = 1e-9)
  expect_equal(at$p, tt$p.value, tolerance = 1e-9)
  flow <- pp$by_wave$follow$flow
  expect_equal(sum(flow$baseline_rows), nrow(w[[1]]))
})

test_that("files, data frames and one long data frame give the same analysis", {
  w <- trial(); inst <- trial_inst()
  a <- prepost(w, inst = inst, waves = WAVES, group = "arm", cluster = "unit")
  files <- lapply(1:3, function(k) extdata(sprintf("trial_w%d.csv", k)))
  b <- prepost(files, inst = inst, waves = WAVES, group = "arm", cluster = "unit")
  long <- do.call(rbind, lapply(1:3, function(k) cbind(time = WAVES[k], w[[k]])))
  long <- long[nrow(long):1, ]
  # The rows in another order: another first group, so the reference is named.
  d <- prepost(long, inst = inst, waves = WAVES, wave_column = "time", group = "arm", cluster = "unit",
               reference_group = "booster")
  expect_equal(a$by_wave, b$by_wave)
  # The long data frame as one long file, read by the library.
  f <- tempfile(fileext = ".csv")
  on.exit(unlink(f))
  write.csv(long, f, row.names = FALSE, na = "")
  e <- prepost(f, inst = inst, waves = WAVES, wave_column = "time", group = "arm", cluster = "unit",
               reference_group = "booster")
  sorted <- function(x) { x <- x[order(x$scale, x$group), ]; rownames(x) <- NULL; x }
  expect_equal(sorted(a$by_wave$post$ancova), sorted(d$by_wave$post$ancova))
  expect_equal(a$icc, d$icc)
  expect_equal(e$by_wave, d$by_wave)
  expect_equal(e$icc, d$icc)
  expect_output(print(a), "adjusted effect vs booster")
})

test_that("wave options are checked", {
  w <- trial(); inst <- trial_inst()
  expect_error(prepost(w, inst = inst, waves = "base"), "at least two waves")
  expect_error(prepost(w, inst = inst, waves = c("a", "a", "b")), "each once")
  expect_error(prepost(w[1:2], inst = inst, waves = WAVES), "3 waves named, but 2 data sets")
  expect_error(prepost(w[[1]], w[[2]], inst = inst, cluster = "unit"), "need waves")
  expect_error(prepost(w, inst = inst, waves = WAVES, reference_group = "control"), "needs group")
  expect_error(prepost(w, inst = inst, waves = WAVES, group = "arm", cluster = "team"), "no column \"team\"")
  expect_error(prepost(w, inst = inst, waves = WAVES, group = "arm", reference_group = "placebo"), "placebo")
})
