# Peer: how researchers score with R today. read.csv + psych::scoreItems.
#   Rscript peer_psych.R 'SCALE=item,-item,...;...' IN.csv OUT.csv
# A leading '-' marks a reverse-keyed item (6 - x, from min = 1, max = 5).
# As libra's bundled STSS and ProQOL 5 have no missing-data rule, a scale
# with any blank item gets no score (NA) here too.
args <- commandArgs(trailingOnly = TRUE)
suppressMessages(library(psych))
d <- read.csv(args[2])
specs <- strsplit(strsplit(args[1], ";", fixed = TRUE)[[1]], "=", fixed = TRUE)
keys <- list()
for (s in specs) keys[[s[1]]] <- strsplit(s[2], ",", fixed = TRUE)[[1]]
items <- d[, -1]
sc <- scoreItems(keys, items, totals = TRUE, impute = "none", min = 1, max = 5)
scores <- sc$scores
for (name in names(keys)) {
  cols <- sub("^-", "", keys[[name]])
  scores[rowSums(is.na(items[, cols])) > 0, name] <- NA
}
write.csv(data.frame(id = d$id, scores), args[3], row.names = FALSE, na = "NA", quote = FALSE)
