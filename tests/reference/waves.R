# Reference numbers for tests/test_prepost_waves.c: the attrition of each
# later wave of tests/data/waves (three waves, by file), by R's t.test.
# Run from the repository root: Rscript tests/reference/waves.R > tests/reference/waves.csv
dir <- "tests/data/waves"
read <- function(w) {
  d <- read.csv(file.path(dir, paste0(w, ".csv")), colClasses = "character")
  items <- sapply(d[c("p_1", "p_2", "p_3")], as.numeric)
  d$score <- rowSums(matrix(items, ncol = 3))   # NA unless every item is answered
  d
}
base <- read("w1")
base <- base[!(base$id %in% base$id[duplicated(base$id)]), ]   # ids found once at baseline
base <- base[!is.na(base$score), ]
out <- NULL
for (w in c("w2", "w3")) {
  d <- read(w)
  once <- d[!(d$id %in% d$id[duplicated(d$id)]), ]             # duplicates at the wave are left unpaired
  at <- once$score[match(base$id, once$id)]
  comp <- !is.na(at)
  tt <- t.test(base$score[comp], base$score[!comp])
  out <- rbind(out, data.frame(
    wave = w, completers_n = sum(comp), completers_mean = mean(base$score[comp]),
    completers_sd = sd(base$score[comp]), dropouts_n = sum(!comp),
    dropouts_mean = mean(base$score[!comp]), dropouts_sd = sd(base$score[!comp]),
    welch_t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
    treat_completers = sum(comp & base$arm == "treat"), treat_dropouts = sum(!comp & base$arm == "treat"),
    control_completers = sum(comp & base$arm == "control"), control_dropouts = sum(!comp & base$arm == "control")))
}
out[] <- lapply(out, function(x) if (is.numeric(x)) sprintf("%.17g", x) else x)
write.csv(out, stdout(), row.names = FALSE, quote = FALSE)
